package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strings"

	"github.com/dauys/dauys"
)

// Observe checks an observer's copy of a protocol against its form, as
// Submit checks a protocol, and stores it as an observation of the
// organisation org. An observation never changes a count. The copy's
// warnings are kept rather than refused: the paper says what it says, and
// the comparison with the official version is what matters. A refused copy
// gets a *dauys.Error naming the lines, in kk/ru/en.
func (s *Service) Observe(ctx context.Context, election, org string, sub Submission) (*dauys.Observation, error) {
	e, err := s.elections.Load(ctx, election)
	if err != nil {
		return nil, err
	}
	if org == "" {
		return nil, localized(dauys.EFORBIDDEN, dauys.Text{
			KK: "Бақылау ұйымның атынан жіберіледі: токенде ұйым көрсетілмеген",
			RU: "Наблюдение подаётся от имени организации: у токена нет организации",
			EN: "an observation is sent in an organisation's name: the credential names none",
		})
	}
	sub.Amendment, sub.Reason, sub.Entry, sub.AcknowledgeWarnings = false, "", 0, true
	now := s.now().UTC()
	p, err := check(e, &sub, now)
	if err != nil {
		return nil, err
	}
	o := &dauys.Observation{Election: e.ID, Contest: p.Contest, Area: p.Area, Org: org, Lines: p.Lines,
		Observer: sub.Submitter, Source: sub.Source, ReceivedAt: now}
	if err := s.store.SaveObservation(ctx, o); err != nil {
		return nil, err
	}
	s.notifyStored(e.ID)
	return o, nil
}

// AddImage adds a photo or scan to an observation: it checks that data is
// a real JPEG or PNG of the declared type within the limits, re-encodes it
// without its metadata (EXIF location, camera, time), stores the clean
// bytes content-addressed in images and records their hash, which the
// transparency log then appends. An observer adds images only to its own
// organisation's observations.
func (s *Service) AddImage(ctx context.Context, images dauys.ImageStore, election, observation, org, mediaType string, data []byte, uploader string) (*dauys.ObservationImage, error) {
	o, err := s.store.Observation(ctx, election, observation)
	if err != nil {
		return nil, err
	}
	if org != "" && o.Org != org {
		return nil, dauys.Errorf(dauys.EFORBIDDEN, "observation %s is %s's, not %s's", o.ID, dauys.QuotePrefix(o.Org), dauys.QuotePrefix(org))
	}
	clean, kind, err := CleanImage(mediaType, data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(clean)
	img := &dauys.ObservationImage{Election: o.Election, Observation: o.ID, SHA256: hex.EncodeToString(sum[:]),
		MediaType: kind, Size: int64(len(clean)), Uploader: uploader, ReceivedAt: s.now().UTC()}
	// The bytes first: a recorded hash always has its image.
	if err := images.Put(ctx, img.SHA256, clean); err != nil {
		return nil, err
	}
	if err := s.store.AddObservationImage(ctx, img); err != nil {
		return nil, err
	}
	s.notifyStored(o.Election)
	return img, nil
}

// CleanImage checks that data is a JPEG or PNG, as its first bytes say and
// as mediaType declares ("" takes what the bytes say), no larger than
// dauys.MaxImageBytes and dauys.MaxImagePixels, and returns it decoded and
// encoded again by the standard library, which writes no metadata. The
// size of the picture is read from its header before it is decoded, so
// that a small file claiming a huge picture is refused before it
// allocates.
func CleanImage(mediaType string, data []byte) ([]byte, string, error) {
	if len(data) > dauys.MaxImageBytes {
		return nil, "", imageError("%d МБ-тан үлкен", "больше %d МБ", "is larger than %d MiB", dauys.MaxImageBytes>>20)
	}
	var kind string
	var config func(io.Reader) (image.Config, error)
	var decode func(io.Reader) (image.Image, error)
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		kind, config, decode = dauys.MediaJPEG, jpeg.DecodeConfig, jpeg.Decode
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		kind, config, decode = dauys.MediaPNG, png.DecodeConfig, png.Decode
	default:
		return nil, "", imageError("JPEG те, PNG де емес", "не JPEG и не PNG", "is neither a JPEG nor a PNG")
	}
	if mt, _, _ := strings.Cut(mediaType, ";"); mt != "" && strings.TrimSpace(strings.ToLower(mt)) != kind {
		return nil, "", imageError("%s деп көрсетілген, бірақ ол %s", "объявлено как %s, а на деле %s", "is declared as %s but is %s",
			dauys.QuotePrefix(mt), kind)
	}
	cfg, err := config(bytes.NewReader(data))
	if err != nil {
		return nil, "", imageError("оқылмайды (%v)", "не читается (%v)", "cannot be read (%v)", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > dauys.MaxImagePixels {
		return nil, "", imageError("өлшемі %d×%d, ең көбі %d пиксель", "размер %d×%d, не больше %d пикселей", "is %d×%d, more than %d pixels",
			cfg.Width, cfg.Height, dauys.MaxImagePixels)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", imageError("оқылмайды (%v)", "не читается (%v)", "cannot be read (%v)", err)
	}
	var out bytes.Buffer
	if kind == dauys.MediaJPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	}
	if err != nil {
		return nil, "", fmt.Errorf("intake: re-encode image: %w", err)
	}
	return out.Bytes(), kind, nil
}

// imageError refuses an image, in kk/ru/en with the same arguments.
func imageError(kk, ru, en string, args ...any) *dauys.Error {
	return localized(dauys.EINVALID, dauys.Text{
		KK: "Сурет " + fmt.Sprintf(kk, args...),
		RU: "Изображение " + fmt.Sprintf(ru, args...),
		EN: "the image " + fmt.Sprintf(en, args...),
	})
}

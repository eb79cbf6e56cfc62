package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/intake"
)

// Observers plays what observer groups do after the count: two
// organisations hand in the copies of the protocols of a share of the
// precincts, a few of which differ from the official count (a few votes
// moved between two options), with a photo of some; they file complaints
// about most of the precincts where they differ, and the commission
// decides them: some rejected, one upheld, and one recount, whose new
// count agrees with the observers' copy.
type Observers struct {
	Intake *intake.Service
	// Protocols calls fn with the current version of every protocol of a
	// contest (dauys.Store.EachProtocol).
	Protocols func(ctx context.Context, election, contest string, fn func(*dauys.Protocol) error) error
	// Images keeps the copies' photos; without it no photo is sent.
	Images dauys.ImageStore
	Seed   uint64
	// Log, when set, is told what happens.
	Log func(format string, args ...any)
}

// ObserverStats counts what the observers did.
type ObserverStats struct {
	Copies, Differing, Images, Complaints, Recounts int
}

// DemoOrganisations are the two observer groups of the demo: fictional.
var DemoOrganisations = []dauys.Organisation{
	{Name: "Taza Dauys", Kind: "ngo"},
	{Name: "Ashyq Qogam", Kind: "ngo"},
}

// Play hands in the copies of the protocols of contest, files the
// complaints and has them decided.
func (o *Observers) Play(ctx context.Context, election, contest string) (ObserverStats, error) {
	var st ObserverStats
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x6f627365727665))
	var official []*dauys.Protocol
	if err := o.Protocols(ctx, election, contest, func(p *dauys.Protocol) error {
		official = append(official, p)
		return nil
	}); err != nil {
		return st, err
	}
	shares := []float64{0.22, 0.15} // of the precincts each group covers
	var differing []*dauys.Observation
	for i := range DemoOrganisations {
		org := DemoOrganisations[i]
		org.Election = election
		if err := o.Intake.RegisterOrganisation(ctx, &org); err != nil && dauys.ErrorCode(err) != dauys.ECONFLICT {
			return st, err
		}
		for _, p := range official {
			if rng.Float64() >= shares[i] {
				continue
			}
			lines, differs := o.copyOf(rng, p)
			sub := intake.Submission{Contest: p.Contest, Area: p.Area, Lines: lines,
				Submitter: fmt.Sprintf("observer-%d@%s", i+1, p.Area), Source: "demo"}
			obs, err := o.Intake.Observe(ctx, election, org.Name, sub)
			if err != nil {
				return st, fmt.Errorf("demo: observe %s: %w", p.Area, err)
			}
			st.Copies++
			if differs {
				st.Differing++
				differing = append(differing, obs)
			}
			if o.Images != nil && (differs || st.Copies%25 == 1) {
				if _, err := o.Intake.AddImage(ctx, o.Images, election, obs.ID, org.Name, dauys.MediaJPEG, photo(rng, p.Area), sub.Submitter); err != nil {
					return st, fmt.Errorf("demo: photo of %s: %w", p.Area, err)
				}
				st.Images++
			}
		}
	}
	if err := o.complain(ctx, election, differing, &st); err != nil {
		return st, err
	}
	if o.Log != nil {
		o.Log("observers: %d copies from %d organisations, %d differing, %d photos, %d complaints, %d recount",
			st.Copies, len(DemoOrganisations), st.Differing, st.Images, st.Complaints, st.Recounts)
	}
	return st, nil
}

// copyOf returns an observer's copy of a protocol: the same numbers, or,
// for about one copy in thirty, a few votes moved from the leading
// option to another, which keeps every relation of the form.
func (o *Observers) copyOf(rng *rand.Rand, p *dauys.Protocol) (map[string]int64, bool) {
	lines := maps.Clone(p.Lines)
	if rng.Float64() >= 1.0/30 {
		return lines, false
	}
	var options []string
	for n := range lines {
		if strings.HasPrefix(n, dauys.OptionLinePrefix) {
			options = append(options, n)
		}
	}
	slices.Sort(options)
	if len(options) < 2 {
		return lines, false
	}
	from := options[0]
	for _, n := range options {
		if lines[n] > lines[from] {
			from = n
		}
	}
	to := options[rng.IntN(len(options))]
	if to == from {
		to = options[(slices.Index(options, from)+1)%len(options)]
	}
	moved := min(lines[from], int64(5+rng.IntN(40)))
	if moved == 0 {
		return lines, false
	}
	lines[from] -= moved
	lines[to] += moved
	return lines, true
}

// complain files a complaint about most precincts whose copy differs and
// has the commission decide them: the first is ordered recounted, and the
// recount finds the observers' numbers; one is upheld, two rejected, and
// the rest wait.
func (o *Observers) complain(ctx context.Context, election string, differing []*dauys.Observation, st *ObserverStats) error {
	for i, obs := range differing {
		if i >= 6 {
			break
		}
		c := &dauys.Complaint{Election: election, Area: obs.Area, Contest: obs.Contest, Complainant: "observer@" + obs.Org,
			Text: fmt.Sprintf("The certified copy handed to the observers of %s differs from the published protocol.", obs.Org)}
		if err := o.Intake.FileComplaint(ctx, c); err != nil {
			return fmt.Errorf("demo: complaint about %s: %w", obs.Area, err)
		}
		st.Complaints++
		d := &dauys.ComplaintDecision{Election: election, Complaint: c.ID, DecidedBy: "territorial commission"}
		switch i {
		case 0:
			d.Status, d.Decision = dauys.ComplaintRecountOrdered, "The copy and the protocol differ on the votes of two parties: the ballots are counted again in the presence of the observers."
		case 1:
			d.Status, d.Decision = dauys.ComplaintUpheld, "The precinct commission made a mistake copying the protocol; the commission's secretary is reprimanded. The count stands."
		case 2, 3:
			d.Status, d.Decision = dauys.ComplaintRejected, "The copy handed to the observers was a draft, not the signed protocol; the signed protocol matches the count."
		default:
			continue
		}
		rc, err := o.Intake.DecideComplaint(ctx, d)
		if err != nil {
			return fmt.Errorf("demo: decision on %s: %w", obs.Area, err)
		}
		if rc == nil {
			continue
		}
		res, err := o.Intake.Submit(ctx, election, []intake.Submission{{Contest: obs.Contest, Area: obs.Area, Lines: maps.Clone(obs.Lines),
			Recount: rc.ID, AcknowledgeWarnings: true, Submitter: "territorial commission", Source: "demo recount"}})
		if err != nil {
			return err
		}
		if res[0].Err != nil {
			return fmt.Errorf("demo: recount of %s: %w", obs.Area, res[0].Err)
		}
		st.Recounts++
	}
	return nil
}

// photo draws a small picture standing for the photo of a copy: a sheet
// with ruled lines, its shade drawn from the precinct's id.
func photo(rng *rand.Rand, area string) []byte {
	const w, h = 120, 160
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	shade := uint8(200 + len(area)%40)
	for y := range h {
		for x := range w {
			c := color.RGBA{shade, shade, shade - 10, 255}
			if y%12 == 0 && x > 10 && x < w-10 {
				c = color.RGBA{60, 60, 90, 255}
			}
			if rng.IntN(50) == 0 {
				c.R, c.G = c.R-20, c.G-20
			}
			m.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, m, &jpeg.Options{Quality: 80})
	return b.Bytes()
}

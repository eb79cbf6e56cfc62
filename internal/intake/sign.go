package intake

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/sigverify"
)

// Signed is what the commission signed, by the submission's account: its
// lines as sent and, for an amendment, the version it replaces and its
// reason.
func (sub *Submission) Signed(election string) *dauys.SignedProtocol {
	s := &dauys.SignedProtocol{Election: election, Contest: sub.Contest, Area: sub.Area, Lines: sub.Lines}
	if sub.Amendment {
		s.SupersedesVersion, s.SupersedesHash, s.Reason = sub.SupersedesVersion, sub.SupersedesHash, sub.Reason
	}
	return s
}

// signatureToVerify checks everything of a submission's commission
// signature but the signature itself, and returns what to verify: the key
// must be registered for the election, not revoked, for an area that holds
// the precinct, and the signature must then verify over what the
// commission signed (Submission.Signed): the lines as sent and, for an
// amendment, the version it replaces and its reason, which the store then
// holds to the current version. An election that requires signatures
// refuses unsigned protocols; in others a signature, when present, must
// still be right. An unsigned submission that may be returns a zero Item.
//
// The signatures themselves are verified together, in batches, by
// verifySignatures: one batch equation costs far less a signature than one
// verification each.
func (s *Service) signatureToVerify(ctx context.Context, e *election.Election, sub *Submission, keys *keyCache) (sigverify.Item, error) {
	if err := checkSupersedes(sub); err != nil {
		return sigverify.Item{}, err
	}
	if len(sub.Signature) == 0 && sub.KeyID == "" {
		if e.Signed {
			return sigverify.Item{}, localized(dauys.EINVALID, dauys.Text{
				KK: "Хаттама қол қойылмаған: бұл сайлауда комиссияның қолы міндетті",
				RU: "Протокол не подписан: на этих выборах подпись комиссии обязательна",
				EN: "the protocol is not signed: this election requires the commission's signature",
			})
		}
		return sigverify.Item{}, nil
	}
	k, err := keys.get(ctx, e.ID, sub.KeyID)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return sigverify.Item{}, localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%q кілті тіркелмеген", sub.KeyID),
			RU: fmt.Sprintf("Ключ %q не зарегистрирован", sub.KeyID),
			EN: fmt.Sprintf("key %q is not registered", sub.KeyID),
		})
	} else if err != nil {
		return sigverify.Item{}, err
	}
	switch {
	case !k.RevokedAt.IsZero() && !s.now().Before(k.RevokedAt):
		return sigverify.Item{}, localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%q кілті кері қайтарылған", k.ID),
			RU: fmt.Sprintf("Ключ %q отозван", k.ID),
			EN: fmt.Sprintf("key %q was revoked", k.ID),
		})
	case !e.Tree.Within(sub.Area, k.Area):
		return sigverify.Item{}, localized(dauys.EFORBIDDEN, dauys.Text{
			KK: fmt.Sprintf("%q кілті %s аумағына арналған, %s учаскесі оған кірмейді", k.ID, k.Area, sub.Area),
			RU: fmt.Sprintf("Ключ %q выдан для %s; участок %s в него не входит", k.ID, k.Area, sub.Area),
			EN: fmt.Sprintf("key %q is for %s, which does not hold precinct %s", k.ID, k.Area, sub.Area),
		})
	case sub.Amendment && (sub.SupersedesVersion == 0 || sub.SupersedesHash == ""):
		return sigverify.Item{}, localized(dauys.EINVALID, dauys.Text{
			KK: "Қол қойылған түзету қай нұсқаны ауыстыратынын көрсетуі керек (supersedes_version, supersedes_hash)",
			RU: "Подписанное исправление должно указывать, какую версию оно заменяет (supersedes_version, supersedes_hash)",
			EN: "a signed amendment must name the version it replaces (supersedes_version and supersedes_hash)",
		})
	case len(k.PublicKey) != sigverify.PublicKeySize:
		return sigverify.Item{}, signatureMismatch()
	}
	return sigverify.Item{PublicKey: k.PublicKey, Message: sub.Signed(e.ID).Bytes(), Signature: sub.Signature}, nil
}

// verifySignatures verifies the signatures items holds for subs (a zero
// Item where there is none to verify), in batches shared with concurrent
// submissions (signaturePool), and refuses each submission whose signature
// does not verify, alone: its result gets the reason and its prepared
// protocol is dropped.
func (s *Service) verifySignatures(election string, subs []Submission, items []sigverify.Item, prepared []*dauys.Protocol, results []Result) {
	var at []int
	var batch []sigverify.Item
	for i, it := range items {
		if it.PublicKey != nil {
			at, batch = append(at, i), append(batch, it)
		}
	}
	for j, ok := range s.sigs.verify(batch) {
		if !ok {
			i := at[j]
			results[i].Err, prepared[i] = explainMismatch(items[i].PublicKey, election, &subs[i]), nil
		}
	}
}

// checkSignatures is intake's signature check: it reports for each item
// whether its signature verifies under ZIP-215, the equation the
// independent verifier uses too (sigverify).
func checkSignatures(items []sigverify.Item) []bool {
	return sigverify.VerifyBatch(items)
}

// checkSupersedes refuses a version to replace on anything but an
// amendment.
func checkSupersedes(sub *Submission) error {
	if sub.SupersedesVersion < 0 || (!sub.Amendment && (sub.SupersedesVersion != 0 || sub.SupersedesHash != "")) {
		return localized(dauys.EINVALID, dauys.Text{
			KK: "supersedes_version және supersedes_hash тек түзетуде (amendment) болады, нұсқа нөмірі оң сан",
			RU: "supersedes_version и supersedes_hash указываются только в исправлении (amendment), номер версии положительный",
			EN: "supersedes_version and supersedes_hash belong to an amendment only, and the version is positive",
		})
	}
	return nil
}

func signatureMismatch() error {
	return localized(dauys.EINVALID, dauys.Text{
		KK: "Қолтаңба хаттамаға сәйкес келмейді",
		RU: "Подпись не соответствует протоколу",
		EN: "the signature does not match the protocol",
	})
}

// explainMismatch says why a signature that does not verify is refused,
// naming the two known misuses: an original's signature sent with an
// amendment, and a signature in the format before amendments were bound.
// It runs only for refused signatures, so its extra checks cost nothing
// on a good night.
func explainMismatch(pub []byte, election string, sub *Submission) error {
	switch {
	case sub.Amendment && sigverify.Verify(pub, dauys.SignedBytes(election, sub.Contest, sub.Area, sub.Lines), sub.Signature):
		return localized(dauys.EINVALID, dauys.Text{
			KK: "Комиссия бұл хаттамаға түзету ретінде емес, бастапқы хаттама ретінде қол қойған: оны түзету ретінде қайта жіберуге болмайды; комиссия түзетуге өзі қол қоюы керек",
			RU: "Комиссия подписала этот протокол как первоначальный, а не как исправление: его нельзя повторно направить как исправление; исправление должна подписать сама комиссия",
			EN: "the commission signed this protocol as an original, not as an amendment: it cannot be sent again as an amendment; the commission must sign the amendment itself",
		})
	case sigverify.Verify(pub, (&dauys.Protocol{Election: election, Contest: sub.Contest, Area: sub.Area, Lines: sub.Lines}).CanonicalBytes(), sub.Signature):
		return localized(dauys.EINVALID, dauys.Text{
			KK: "Қолтаңба ескі форматта (dauys-protocol-v1): ол ауыстырылатын нұсқа мен себепті қамтымайды; хаттамаға dauys sign-тың осы нұсқасымен қайта қол қойыңыз",
			RU: "Подпись в старом формате (dauys-protocol-v1): она не охватывает заменяемую версию и причину; подпишите протокол заново текущей версией dauys sign",
			EN: "the signature is in the old format (dauys-protocol-v1), which does not cover the version replaced nor the reason; sign the protocol again with this version of dauys sign",
		})
	}
	return signatureMismatch()
}

// keyCache looks each key up once per batch: a batch of a thousand
// protocols from one territorial commission needs one query, not a
// thousand. It lives for one batch, so a revocation takes effect at the
// next one.
type keyCache struct {
	store dauys.Store
	mu    sync.Mutex
	keys  map[string]keyLookup
}

type keyLookup struct {
	key *dauys.Key
	err error
}

func (c *keyCache) get(ctx context.Context, election, id string) (*dauys.Key, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.keys[id]; ok {
		return l.key, l.err
	}
	k, err := c.store.Key(ctx, election, id)
	c.keys[id] = keyLookup{k, err}
	return k, err
}

// parallel calls fn(i) for i in [0, n) on every processor; small n run on
// the caller's goroutine.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/32)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				fn(i)
			}
		})
	}
	wg.Wait()
}

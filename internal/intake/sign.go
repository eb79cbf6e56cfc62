package intake

import (
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/dauys/dauys"
)

// verifySignature checks a submission's commission signature: the key must
// be registered for the election, not revoked, for an area that holds the
// precinct, and the signature must verify over the lines as sent. An
// election that requires signatures refuses unsigned protocols; in others a
// signature, when present, must still be right.
func (s *Service) verifySignature(ctx context.Context, e *Election, sub *Submission) error {
	if len(sub.Signature) == 0 && sub.KeyID == "" {
		if e.Signed {
			return localized(dauys.EINVALID, dauys.Text{
				KK: "Хаттама қол қойылмаған: бұл сайлауда комиссияның қолы міндетті",
				RU: "Протокол не подписан: на этих выборах подпись комиссии обязательна",
				EN: "the protocol is not signed: this election requires the commission's signature",
			})
		}
		return nil
	}
	ks, ok := s.store.(dauys.KeyStore)
	if !ok {
		return dauys.Errorf(dauys.EINTERNAL, "intake: the store keeps no keys")
	}
	k, err := ks.Key(ctx, e.ID, sub.KeyID)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%q кілті тіркелмеген", sub.KeyID),
			RU: fmt.Sprintf("Ключ %q не зарегистрирован", sub.KeyID),
			EN: fmt.Sprintf("key %q is not registered", sub.KeyID),
		})
	} else if err != nil {
		return err
	}
	switch {
	case !k.RevokedAt.IsZero() && !s.now().Before(k.RevokedAt):
		return localized(dauys.EINVALID, dauys.Text{
			KK: fmt.Sprintf("%q кілті кері қайтарылған", k.ID),
			RU: fmt.Sprintf("Ключ %q отозван", k.ID),
			EN: fmt.Sprintf("key %q was revoked", k.ID),
		})
	case !e.Tree.Within(sub.Area, k.Area):
		return localized(dauys.EFORBIDDEN, dauys.Text{
			KK: fmt.Sprintf("%q кілті %s аумағына арналған, %s учаскесі оған кірмейді", k.ID, k.Area, sub.Area),
			RU: fmt.Sprintf("Ключ %q выдан для %s; участок %s в него не входит", k.ID, k.Area, sub.Area),
			EN: fmt.Sprintf("key %q is for %s, which does not hold precinct %s", k.ID, k.Area, sub.Area),
		})
	case len(k.PublicKey) != ed25519.PublicKeySize ||
		!ed25519.Verify(k.PublicKey, dauys.SignedBytes(e.ID, sub.Contest, sub.Area, sub.Lines), sub.Signature):
		return localized(dauys.EINVALID, dauys.Text{
			KK: "Қолтаңба хаттамаға сәйкес келмейді",
			RU: "Подпись не соответствует протоколу",
			EN: "the signature does not match the protocol",
		})
	}
	return nil
}

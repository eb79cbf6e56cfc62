package intake

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"runtime"
	"sync"

	"github.com/dauys/dauys"
)

// verifySignature checks a submission's commission signature: the key must
// be registered for the election, not revoked, for an area that holds the
// precinct, and the signature must verify over the lines as sent. An
// election that requires signatures refuses unsigned protocols; in others a
// signature, when present, must still be right.
func (s *Service) verifySignature(ctx context.Context, e *Election, sub *Submission, keys *keyCache) error {
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
	k, err := keys.get(ctx, e.ID, sub.KeyID)
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
	ks, ok := c.store.(dauys.KeyStore)
	if !ok {
		return nil, dauys.Errorf(dauys.EINTERNAL, "intake: the store keeps no keys")
	}
	k, err := ks.Key(ctx, election, id)
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

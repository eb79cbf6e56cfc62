package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/dauys/dauys/internal/tlog"
)

// startLog serves every election's transparency log under /log/ and, when
// the CEC's log key files are given, runs the sequencer that appends what
// the store committed and signs checkpoints: woken by every stored batch,
// and every few seconds in any case so that a crash between a commit and
// its log entry is caught up.
func startLog(ctx context.Context, mux *http.ServeMux, s *store, keyFiles []string, log *slog.Logger) error {
	mux.Handle("GET /log/", (&tlog.Log{Storage: s}).Handler())
	if len(keyFiles) == 0 {
		return nil
	}
	var signers []note.Signer
	for _, f := range keyFiles {
		skey, err := tlog.ReadKeyFile(f)
		if err != nil {
			return err
		}
		signer, err := tlog.NewSigner(skey)
		if err != nil {
			return err
		}
		signers = append(signers, signer)
	}
	seq := newSequencer(s, nil, signers...)
	seq.Logger = log
	s.intake.OnStored(seq.Notify)
	es, err := s.Elections(ctx)
	if err != nil {
		return err
	}
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ID)
	}
	go func() {
		if err := seq.Run(ctx, 5*time.Second, ids...); err != nil && ctx.Err() == nil {
			log.Error("transparency log sequencer", "err", err)
		}
	}()
	return nil
}

package web

import (
	"context"
	"time"

	"github.com/dauys/dauys"
	"github.com/dauys/dauys/internal/tlog"
)

// The transparency log on the site: the overview shows the latest signed
// checkpoint of the election's log, and a precinct page where each
// protocol version is in the log. An election without a log shows
// neither.

// logView is the checkpoint on an election's overview.
type logView struct {
	Size        string
	RootHash    string // base64, as the checkpoint note has it
	At          string
	AtISO       string
	Checkpoint  string // link to the signed note
	Key         string // link to the verifier key
	VerifierKey string
	// Command is the dauys verify command to copy, Guide the page that
	// explains it.
	Command string
	Guide   string
}

// logOf returns the election's latest checkpoint, or nil when it keeps no
// log or the log has no checkpoint yet.
func (s *Site) logOf(ctx context.Context, election string) (*tlog.SignedCheckpoint, *tlog.Info, error) {
	if s.cfg.Log == nil {
		return nil, nil, nil
	}
	info, err := s.cfg.Log.Storage.LogInfo(ctx, election)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	cp, err := s.cfg.Log.LatestCheckpoint(ctx, election)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return nil, info, nil
	} else if err != nil {
		return nil, nil, err
	}
	return cp, info, nil
}

// logSize is the size of the election's latest checkpoint, or -1 without
// one; it is part of the version of the election's pages, since a new
// checkpoint changes what they show.
func (s *Site) logSize(ctx context.Context, election string) (int64, error) {
	if s.cfg.Log == nil {
		return -1, nil
	}
	c, err := s.cfg.Log.Storage.Checkpoint(ctx, election, -1)
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return -1, nil
	} else if err != nil {
		return -1, err
	}
	return c.Size, nil
}

func (rc *renderCtx) logView() (*logView, error) {
	cp, info, err := rc.s.logOf(rc.ctx, rc.e.ID)
	if err != nil || cp == nil {
		return nil, err
	}
	dir := rc.root + tlog.StaticDir(rc.e.ID) + "/"
	return &logView{Size: rc.L.N(cp.Size), RootHash: cp.Hash.String(),
		At: rc.L.DateTime(cp.CreatedAt), AtISO: cp.CreatedAt.UTC().Format(time.RFC3339),
		Checkpoint: dir + "checkpoint", Key: dir + "key", VerifierKey: info.VerifierKey,
		Command: rc.verifyCommand(info.VerifierKey), Guide: rc.href(rc.electionPath() + "verify.html")}, nil
}

// protocolLog finds the log index of each protocol version: "" for a
// version not logged yet. It returns nil when the election keeps no log.
type protocolLog struct {
	s        *Site
	election string
	size     int64 // entries under the latest checkpoint
}

func (rc *renderCtx) protocolLog() (*protocolLog, error) {
	if rc.s.cfg.Log == nil {
		return nil, nil
	}
	if _, err := rc.s.cfg.Log.Storage.LogInfo(rc.ctx, rc.e.ID); dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	size, err := rc.s.logSize(rc.ctx, rc.e.ID)
	if err != nil {
		return nil, err
	}
	return &protocolLog{s: rc.s, election: rc.e.ID, size: size}, nil
}

// index returns a version's log index, whether a signed checkpoint covers
// it, and false when it is not logged yet.
func (pl *protocolLog) index(ctx context.Context, p *dauys.Protocol) (int64, bool, bool, error) {
	i, err := pl.s.cfg.Log.Storage.LogIndex(ctx, pl.election, tlog.ProtocolRef(p.Contest, p.Area, p.Version))
	if dauys.ErrorCode(err) == dauys.ENOTFOUND {
		return 0, false, false, nil
	} else if err != nil {
		return 0, false, false, err
	}
	return i, i < pl.size, true, nil
}

package intake

import (
	"context"

	"github.com/dauys/dauys"
)

// CheckSignatures is intake's own signature check, for the edge-case
// vectors (sigtest).
var CheckSignatures = checkSignatures

// GroupSave hands ps to the service's group commit as one sender would.
func GroupSave(s *Service, ctx context.Context, ps []*dauys.Protocol) ([]dauys.SaveResult, error) {
	return s.group.save(ctx, ps)
}

// Queued returns how many senders wait for the running group commit.
func Queued(s *Service) int {
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	return len(s.group.queue)
}

package web

import "context"

// MissingMessages lists the messages that failed to localize in this
// site's renders, for the tests: a page must never show a message id.
func (s *Site) MissingMessages() []string { return s.missing.list() }

// RenderUncached renders a page without the cache, as a version change
// makes the site do, for the benchmarks.
func (s *Site) RenderUncached(ctx context.Context, lang, kind, election, id string) ([]byte, error) {
	version, err := s.versionOf(ctx, election)
	if err != nil {
		return nil, err
	}
	return s.render(ctx, target{kind: kind, lang: lang, election: election, id: id}, version, false)
}

// Page kinds for RenderUncached.
const (
	PageOverview = pageOverview
	PageArea     = pageArea
	PageContest  = pageContest
)

// CachedPages reports the responses kept in memory and their bytes, for
// the tests of the cache's bounds.
func (s *Site) CachedPages() (entries int, bytes int64) {
	s.cache.mu.RLock()
	defer s.cache.mu.RUnlock()
	return len(s.cache.m), s.cache.bytes
}

package httpapi

// CachedResults reports the results answers kept in memory and their
// bytes, for the tests of the cache's bounds.
func (s *Server) CachedResults() (entries int, bytes int64) { return s.cache.cached() }

package sqlite_test

import (
	"testing"

	"github.com/dauys/dauys/internal/tlog/tlogtest"
)

func TestLog(t *testing.T) {
	tlogtest.Run(t, func(t *testing.T) tlogtest.Store { return MustOpen(t) })
}

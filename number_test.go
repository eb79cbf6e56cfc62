package dauys_test

import (
	"testing"

	"github.com/dauys/dauys"
)

func TestThousands(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {39990, "39,990"}, {-1234, "-1,234"},
		{1234567, "1,234,567"}, {-1 << 63, "-9,223,372,036,854,775,808"},
	} {
		if got := dauys.Thousands(tc.n); got != tc.want {
			t.Errorf("Thousands(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := dauys.GroupDigits("1234567", "\u00a0"); got != "1\u00a0234\u00a0567" {
		t.Errorf("GroupDigits = %q", got)
	}
}

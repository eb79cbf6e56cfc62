package web

import (
	"os"
	"strings"
	"testing"
)

// TestChipClasses checks that every colour of the palette has its chip
// class in the stylesheet, with that colour, and that any other colour
// still gets a chip.
func TestChipClasses(t *testing.T) {
	css, err := os.ReadFile("static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	colours := append([]string{colourOther, colourNoData, colourYes, colourNo, colourBothMarked, colourInvalid}, okabeIto...)
	for _, c := range colours {
		k, ok := chipClasses[c]
		if !ok {
			t.Errorf("colour %s has no chip class", c)
			continue
		}
		if rule := "." + k + "{border-color:" + c + "}"; !strings.Contains(string(css), rule) {
			t.Errorf("site.css lacks %s", rule)
		}
		if got := string(chip(strings.ToLower(c))); got != `<i class="chip `+k+`" aria-hidden="true"></i>` {
			t.Errorf("chip(%s) = %s", c, got)
		}
	}
	if got := string(chip(`#123456"`)); got != `<svg class="chip" aria-hidden="true"><rect width="100%" height="100%" rx="2" fill="#123456&#34;"/></svg>` {
		t.Errorf("chip of another colour = %s", got)
	}
}

func TestIsDecimal(t *testing.T) {
	for s, want := range map[string]bool{"12.34": true, "0": true, "-1.50": true, "100.00": true,
		"n/a": false, "": false, "-": false, "1.": false, ".5": false, "1.2.3": false, "1e5": false, "12,34": false} {
		if got := isDecimal(s); got != want {
			t.Errorf("isDecimal(%q) = %v", s, got)
		}
	}
}

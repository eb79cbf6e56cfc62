package forensics_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dauys/dauys/internal/forensics"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func sampleHistogram() forensics.Histogram {
	return forensics.Histogram{Area: "Region <A> & B", Bins: 10, Precincts: 6, Voters: 9100, Excluded: 1, Cells: []forensics.Cell{
		{Turnout: 4, Leader: 5, Precincts: 3, Voters: 4500},
		{Turnout: 5, Leader: 5, Precincts: 2, Voters: 3600},
		{Turnout: 9, Leader: 9, Precincts: 1, Voters: 1000},
	}}
}

func TestFingerprintSVGGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := forensics.FingerprintSVG(&buf, sampleHistogram(), forensics.WithSize(200)); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "fingerprint.svg")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("SVG differs from %s; run go test -run FingerprintSVGGolden -update and review the diff", golden)
	}
}

func TestFingerprintSVGIsAccessibleXML(t *testing.T) {
	var buf bytes.Buffer
	err := forensics.FingerprintSVG(&buf, sampleHistogram(), forensics.WithWeight(forensics.WeightPrecincts),
		forensics.WithIDPrefix("fp2"), forensics.WithAxisLabels("Явка, %", "Доля лидера, %"))
	if err != nil {
		t.Fatal(err)
	}
	// It must be well-formed XML whose root is an <svg> labelled by its title and description.
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	var titles, rects int
	var root *xml.StartElement
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == nil {
				c := se.Copy()
				root = &c
			}
			switch se.Name.Local {
			case "title":
				titles++
			case "rect":
				rects++
			}
		}
	}
	if root == nil || root.Name.Local != "svg" {
		t.Fatal("root element is not <svg>")
	}
	attrs := map[string]string{}
	for _, a := range root.Attr {
		attrs[a.Name.Local] = a.Value
	}
	if attrs["role"] != "img" || attrs["aria-labelledby"] != "fp2-title fp2-desc" {
		t.Errorf("root attributes %v", attrs)
	}
	// One title for the chart plus one tooltip per cell.
	if titles != 4 || rects < 5 {
		t.Errorf("%d titles and %d rects", titles, rects)
	}
	s := buf.String()
	for _, want := range []string{"<desc id=\"fp2-desc\">", "Region &lt;A&gt; &amp; B", "Явка 40–50%", "polling stations 3, registered voters 4500"} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// Tooltips name the axes without the labels' explanations.
	var short bytes.Buffer
	if err := forensics.FingerprintSVG(&short, sampleHistogram(), forensics.WithAxisLabels("Явка (выдано / в списках), %", "Доля AMANAT (голоса / в урнах), %")); err != nil {
		t.Fatal(err)
	}
	if tip := regexp.MustCompile(`<rect [^>]*><title>([^<]*)</title>`).FindStringSubmatch(short.String()); tip == nil || !strings.HasPrefix(tip[1], "Явка ") || strings.Contains(tip[1], "(") || !strings.Contains(tip[1], ", Доля AMANAT ") {
		t.Errorf("cell tooltip %q, want the axes' names without their explanations", tip)
	}
	// Counts in tooltips are integers: no decimal point next to a unit.
	if regexp.MustCompile(`(polling stations|registered voters) \d+\.\d`).MatchString(s) {
		t.Error("a count is printed as a decimal")
	}
}

func TestFingerprintSVGRejectsEmptyBins(t *testing.T) {
	if err := forensics.FingerprintSVG(io.Discard, forensics.Histogram{}); !errors.Is(err, forensics.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
}

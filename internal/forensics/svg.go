package forensics

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Weight selects what a fingerprint cell's colour measures.
type Weight int

const (
	// WeightVoters colours cells by registered voters, so a large precinct
	// counts for more than a small one; this is the default.
	WeightVoters Weight = iota
	// WeightPrecincts colours cells by the number of precincts.
	WeightPrecincts
)

// SVGOption adjusts FingerprintSVG.
type SVGOption func(*svgOptions)

type svgOptions struct {
	title, desc    string
	turnoutLabel   string
	leaderLabel    string
	weight         Weight
	size           int
	idPrefix       string
	precinctsLabel string
	votersLabel    string
	emptyLabel     string
	scaleNote      string
}

// WithTitle sets the chart title (also the SVG <title> that screen readers announce).
func WithTitle(title string) SVGOption { return func(o *svgOptions) { o.title = title } }

// WithDescription replaces the generated <desc> text.
func WithDescription(desc string) SVGOption { return func(o *svgOptions) { o.desc = desc } }

// WithAxisLabels sets the horizontal (turnout) and vertical (leader share)
// axis titles, for translation or to name the leader.
func WithAxisLabels(turnout, leader string) SVGOption {
	return func(o *svgOptions) { o.turnoutLabel, o.leaderLabel = turnout, leader }
}

// WithUnitLabels names the two counts in tooltips and the legend note for
// empty cells, for translation (defaults "polling stations", "registered
// voters" and "white: none"). Tooltips print "name count", so no plural rules
// are needed.
func WithUnitLabels(precincts, voters, empty string) SVGOption {
	return func(o *svgOptions) { o.precinctsLabel, o.votersLabel, o.emptyLabel = precincts, voters, empty }
}

// WithScaleNote replaces "log scale", the note beside the colour bar's unit.
func WithScaleNote(note string) SVGOption { return func(o *svgOptions) { o.scaleNote = note } }

// WithWeight chooses whether colour shows voters (default) or precincts.
func WithWeight(w Weight) SVGOption { return func(o *svgOptions) { o.weight = w } }

// WithSize sets the side of the square plot area in pixels (default 500).
func WithSize(px int) SVGOption { return func(o *svgOptions) { o.size = px } }

// WithIDPrefix prefixes element ids so that several charts can share a page.
func WithIDPrefix(p string) SVGOption { return func(o *svgOptions) { o.idPrefix = p } }

// viridis holds eleven evenly spaced stops of matplotlib's viridis colour map
// (van der Walt & Smith, 2015): perceptually uniform, readable in greyscale
// and by people with the common forms of colour blindness.
var viridis = [11][3]uint8{
	{0x44, 0x01, 0x54}, {0x48, 0x24, 0x75}, {0x41, 0x44, 0x87}, {0x35, 0x5f, 0x8d},
	{0x2a, 0x78, 0x8e}, {0x21, 0x91, 0x8c}, {0x22, 0xa8, 0x84}, {0x44, 0xbf, 0x70},
	{0x7a, 0xd1, 0x51}, {0xbd, 0xdf, 0x26}, {0xfd, 0xe7, 0x25},
}

// viridisAt interpolates the colour map at t in [0, 1].
func viridisAt(t float64) string {
	t = math.Max(0, math.Min(1, t))
	x := t * float64(len(viridis)-1)
	i := int(math.Floor(x))
	if i >= len(viridis)-1 {
		i = len(viridis) - 2
	}
	f := x - float64(i)
	var rgb [3]uint8
	for c := range 3 {
		a, b := float64(viridis[i][c]), float64(viridis[i+1][c])
		rgb[c] = uint8(math.Round(a + f*(b-a)))
	}
	return fmt.Sprintf("#%02x%02x%02x", rgb[0], rgb[1], rgb[2])
}

// FingerprintSVG writes h as a standalone, accessible SVG document: a <title>
// and <desc> referenced by aria-labelledby, one <title> tooltip per cell with
// its exact counts, axes in percent and a colour bar. Colour is on a
// logarithmic scale, because a few dense cells would otherwise hide the
// structure everywhere else. Counts are written as integers; only coordinates
// are fractional.
func FingerprintSVG(w io.Writer, h Histogram, opts ...SVGOption) error {
	o := svgOptions{
		turnoutLabel:   "Turnout, %",
		leaderLabel:    "Leader's share of ballots cast, %",
		size:           500,
		idPrefix:       "fingerprint",
		precinctsLabel: "polling stations",
		votersLabel:    "registered voters",
		emptyLabel:     "white: none",
	}
	for _, opt := range opts {
		opt(&o)
	}
	if h.Bins < 1 {
		return fmt.Errorf("%w: fingerprint has no bins", ErrInvalid)
	}
	if o.size < 50 {
		o.size = 50
	}
	if o.title == "" {
		o.title = "Election fingerprint"
		if h.Area != "" {
			o.title += ": " + h.Area
		}
	}
	unit := o.votersLabel
	if o.weight == WeightPrecincts {
		unit = o.precinctsLabel
	}
	if o.desc == "" {
		o.desc = fmt.Sprintf("Two-dimensional histogram of %d %s (%d %s) by turnout (horizontal axis) and "+
			"the leader's share of ballots cast (vertical axis), in %d by %d bins. Colour shows the number of %s "+
			"in each cell on a logarithmic scale, from dark purple (few) to yellow (many). A compact, roughly "+
			"elliptical cloud is the usual shape; smears towards the upper right or dense lines at round "+
			"percentages are statistical signals worth a closer look, not proof of wrongdoing.",
			h.Precincts, o.precinctsLabel, h.Voters, o.votersLabel, h.Bins, h.Bins, unit)
	}

	const left, top, right, bottom = 64.0, 44.0, 96.0, 56.0
	size := float64(o.size)
	width, height := left+size+right, top+size+bottom
	cell := size / float64(h.Bins)

	var maxW int64
	for _, c := range h.Cells {
		maxW = max(maxW, cellWeight(c, o.weight))
	}

	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	id := o.idPrefix
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-title %s-desc" `+
		`width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif" font-size="12">`+"\n",
		id, id, coord(width), coord(height), coord(width), coord(height))
	p(`<title id="%s-title">%s</title>`+"\n", id, esc(o.title))
	p(`<desc id="%s-desc">%s</desc>`+"\n", id, esc(o.desc))
	p(`<text x="%s" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", coord(left), esc(o.title))
	p(`<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff" stroke="#767676"/>`+"\n",
		coord(left), coord(top), coord(size), coord(size))

	// Cells, drawn with the leader share growing upwards. Their tooltips
	// name the axes without what the axes' labels explain in brackets: a
	// chart has up to 10,000 cells.
	p(`<g id="%s-cells" shape-rendering="crispEdges">`+"\n", id)
	turnoutName, leaderName := esc(axisName(o.turnoutLabel)), esc(axisName(o.leaderLabel))
	for _, c := range h.Cells {
		x := left + float64(c.Turnout)*cell
		y := top + float64(h.Bins-1-c.Leader)*cell
		p(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s %s–%s%%, %s %s–%s%%: %s %d, %s %d</title></rect>`+"\n",
			coord(x), coord(y), coord(cell), coord(cell), viridisAt(logScale(cellWeight(c, o.weight), maxW)),
			turnoutName, binEdge(c.Turnout, h.Bins), binEdge(c.Turnout+1, h.Bins),
			leaderName, binEdge(c.Leader, h.Bins), binEdge(c.Leader+1, h.Bins),
			esc(o.precinctsLabel), c.Precincts, esc(o.votersLabel), c.Voters)
	}
	p("</g>\n")

	// Axes: ticks every 10 percentage points.
	p(`<g id="%s-axes" fill="#1a1a1a" stroke="none">`+"\n", id)
	for pct := 0; pct <= 100; pct += 10 {
		x := left + size*float64(pct)/100
		y := top + size - size*float64(pct)/100
		p(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#767676"/>`+"\n",
			coord(x), coord(top+size), coord(x), coord(top+size+5))
		p(`<text x="%s" y="%s" text-anchor="middle">%d</text>`+"\n", coord(x), coord(top+size+18), pct)
		p(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#767676"/>`+"\n",
			coord(left-5), coord(y), coord(left), coord(y))
		p(`<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%d</text>`+"\n", coord(left-8), coord(y), pct)
	}
	p(`<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", coord(left+size/2), coord(top+size+40), esc(o.turnoutLabel))
	p(`<text transform="translate(%s %s) rotate(-90)" text-anchor="middle">%s</text>`+"\n",
		coord(18), coord(top+size/2), esc(o.leaderLabel))
	p("</g>\n")

	// Colour bar with its integer end points.
	barX, barW := left+size+24, 16.0
	p(`<defs><linearGradient id="%s-ramp" x1="0" y1="1" x2="0" y2="0">`, id)
	for i := range viridis {
		t := float64(i) / float64(len(viridis)-1)
		p(`<stop offset="%s" stop-color="%s"/>`, coord(t), viridisAt(t))
	}
	p("</linearGradient></defs>\n")
	p(`<g id="%s-legend">`+"\n", id)
	p(`<rect x="%s" y="%s" width="%s" height="%s" fill="url(#%s-ramp)" stroke="#767676"/>`+"\n",
		coord(barX), coord(top), coord(barW), coord(size), id)
	p(`<text x="%s" y="%s" dominant-baseline="middle">%d</text>`+"\n", coord(barX+barW+4), coord(top+6), maxW)
	// The bottom of the ramp is a count of 0; empty cells are left white.
	p(`<text x="%s" y="%s" dominant-baseline="middle">0</text>`+"\n", coord(barX+barW+4), coord(top+size-6))
	p(`<text x="%s" y="%s">%s</text>`+"\n", coord(barX), coord(top+size+18), esc(o.emptyLabel))
	note := o.scaleNote
	if note == "" {
		note = "log scale"
	}
	p(`<text transform="translate(%s %s) rotate(-90)" text-anchor="middle">%s (%s)</text>`+"\n",
		coord(barX+barW+42), coord(top+size/2), esc(unit), esc(note))
	p("</g>\n</svg>\n")
	return bw.Flush()
}

// axisName is an axis label as a cell's tooltip names it: without its
// unit (", %") and what it explains in brackets ("Turnout (ballots issued /
// registered), %" is "Turnout").
func axisName(label string) string {
	label = strings.TrimSuffix(label, ", %")
	if i := strings.Index(label, " ("); i > 0 {
		label = label[:i]
	}
	return label
}

func cellWeight(c Cell, w Weight) int64 {
	if w == WeightPrecincts {
		return c.Precincts
	}
	return c.Voters
}

// logScale maps a count to [0, 1] by log(1+v)/log(1+max).
func logScale(v, maxV int64) float64 {
	if maxV <= 0 {
		return 0
	}
	return math.Log1p(float64(v)) / math.Log1p(float64(maxV))
}

// binEdge prints the percentage at the lower edge of bin i, without trailing
// zeros, so 100 bins give whole numbers and 200 bins give halves.
func binEdge(i, bins int) string {
	return strconv.FormatFloat(100*float64(i)/float64(bins), 'f', -1, 64)
}

// coord prints a coordinate with at most two decimals.
func coord(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

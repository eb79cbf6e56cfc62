package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dauys/dauys/decide"
)

// Charts are SVG drawn on the server and placed in the page, each with a
// title and a description for screen readers (role="img") and with a table
// of the same numbers beside it. Colours are fill attributes, not style
// attributes, so that the Content-Security-Policy needs no inline style.

type svg struct{ strings.Builder }

func (b *svg) f(format string, args ...any) { fmt.Fprintf(b, format, args...) }

// open starts a chart; width and height set the viewBox, the page's CSS
// scales it to the column.
func (b *svg) open(id, class string, width, height float64, title, desc string) {
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" class="chart %s" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-t %s-d">`,
		class, num(width), num(height), id, id)
	b.f(`<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(desc))
}

func (b *svg) close() template.HTML {
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

func esc(s string) string { return html.EscapeString(s) }

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// seatGroup is one party's seats in a parliament chart.
type seatGroup struct {
	Label  string
	Colour string
	Seats  int
}

// hemicycle draws seats as dots on concentric half-circles, parties from
// left to right in the order given. The number of rows is the least that
// holds the seats at a fixed spacing; seats are shared among the rows in
// proportion to their length by the largest remainder method of the rules
// engine.
func hemicycle(id, title, desc string, groups []seatGroup, centre string) template.HTML {
	total := 0
	for _, g := range groups {
		total += g.Seats
	}
	const w, cx, cy, radius = 400.0, 200.0, 196.0, 180.0
	var b svg
	b.open(id, "hemicycle", w, cy+20, title, desc)
	if total == 0 {
		b.f(`<path d="M%s %sA%s %s 0 0 1 %s %s" fill="none" stroke="%s" stroke-width="40"/>`,
			num(cx-radius+20), num(cy), num(radius-20), num(radius-20), num(cx+radius-20), num(cy), colourNoData)
		b.f(`<text x="%s" y="%s" class="hemi-total" text-anchor="middle">%s</text>`, num(cx), num(cy-8), esc(centre))
		return b.close()
	}
	type seat struct{ angle, r float64 }
	var rows int
	var gap float64
	var caps []int64
	for rows = 1; ; rows++ {
		gap = 0.6 / float64(rows)
		caps = caps[:0]
		var sum int64
		for i := 0; i < rows; i++ {
			r := 1 - float64(i)*gap
			c := int64(math.Floor(math.Pi*r/gap)) + 1
			caps = append(caps, c)
			sum += c
		}
		if sum >= int64(total) {
			break
		}
	}
	perRow, err := decide.Allocate(decide.MethodHare, caps, total)
	if err != nil {
		perRow = make([]int, rows)
		perRow[0] = total
	}
	var seats []seat
	for i, k := range perRow {
		r := 1 - float64(i)*gap
		for j := 0; j < k; j++ {
			a := math.Pi / 2
			if k > 1 {
				a = math.Pi * (1 - float64(j)/float64(k-1))
			}
			seats = append(seats, seat{a, r})
		}
	}
	sort.SliceStable(seats, func(i, j int) bool {
		if math.Abs(seats[i].angle-seats[j].angle) > 1e-9 {
			return seats[i].angle > seats[j].angle
		}
		return seats[i].r > seats[j].r
	})
	// A dot is as big as the tighter of the row spacing and the spacing
	// along the fullest row allows, and never huge for a small body.
	dot := gap * radius * 0.42
	for i, k := range perRow {
		if k > 1 {
			along := math.Pi * (1 - float64(i)*gap) * radius / float64(k-1)
			dot = math.Min(dot, along*0.42)
		}
	}
	dot = math.Min(dot, 16)
	n := 0
	for _, g := range groups {
		if g.Seats == 0 {
			continue
		}
		b.f(`<g fill="%s"><title>%s: %d</title>`, g.Colour, esc(g.Label), g.Seats)
		for k := 0; k < g.Seats && n < len(seats); k++ {
			s := seats[n]
			n++
			b.f(`<circle cx="%s" cy="%s" r="%s"/>`, num(cx+radius*s.r*math.Cos(s.angle)), num(cy-radius*s.r*math.Sin(s.angle)), num(dot))
		}
		b.WriteString(`</g>`)
	}
	b.f(`<text x="%s" y="%s" class="hemi-total" text-anchor="middle">%s</text>`, num(cx), num(cy-8), esc(centre))
	return b.close()
}

// bar is one row of a bar chart.
type bar struct {
	Label  string
	Value  string  // the number written at the end of the bar
	Pct    float64 // the bar's length in percent
	Colour string
}

// refLine is a vertical reference line of a bar chart: a threshold or the
// majority.
type refLine struct {
	Pct   float64
	Label string
}

// bars draws horizontal bars on a percent scale, labels above each bar so
// that long names fit a phone's width.
func bars(id, title, desc string, rows []bar, lines []refLine) template.HTML {
	const w, rowH, top = 400.0, 40.0, 22.0
	max := 10.0
	for _, r := range rows {
		max = math.Max(max, r.Pct)
	}
	for _, l := range lines {
		max = math.Max(max, l.Pct*1.1)
	}
	max = math.Min(100, math.Ceil(max/10)*10)
	h := top + rowH*float64(len(rows)) + 4
	var b svg
	b.open(id, "bars", w, h, title, desc)
	for i, r := range rows {
		y := top + rowH*float64(i)
		b.f(`<text x="0" y="%s" class="bar-label">%s</text>`, num(y+13), esc(r.Label))
		b.f(`<text x="%s" y="%s" class="bar-value" text-anchor="end">%s</text>`, num(w), num(y+13), esc(r.Value))
		b.f(`<rect x="0" y="%s" width="%s" height="16" fill="#F1F1F1"/>`, num(y+18), num(w))
		if r.Pct > 0 {
			b.f(`<rect x="0" y="%s" width="%s" height="16" fill="%s"/>`, num(y+18), num(math.Max(1, w*r.Pct/max)), r.Colour)
		}
	}
	for _, l := range lines {
		x := w * l.Pct / max
		b.f(`<line x1="%s" y1="14" x2="%s" y2="%s" class="ref-line"/>`, num(x), num(x), num(h))
		anchor := "middle"
		if x > w-50 {
			anchor = "end"
		} else if x < 50 {
			anchor = "start"
		}
		b.f(`<text x="%s" y="10" class="ref-label" text-anchor="%s">%s</text>`, num(x), anchor, esc(l.Label))
	}
	return b.close()
}

// segment is one part of a stacked bar.
type segment struct {
	Label, Value string
	Pct          float64
	Colour       string
}

// stacked draws one bar of 100% split in segments, with the half marked,
// and a legend below.
func stacked(id, title, desc string, segs []segment, halfLabel string) template.HTML {
	const w, barH = 400.0, 44.0
	h := 22 + barH + 12 + 24*float64(len(segs))
	var b svg
	b.open(id, "stacked", w, h, title, desc)
	x := 0.0
	b.f(`<rect x="0" y="22" width="%s" height="%s" fill="#F1F1F1"/>`, num(w), num(barH))
	for _, s := range segs {
		sw := w * s.Pct / 100
		if sw > 0 {
			b.f(`<rect x="%s" y="22" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`, num(x), num(sw), num(barH), s.Colour, esc(s.Label), esc(s.Value))
		}
		x += sw
	}
	b.f(`<line x1="%s" y1="14" x2="%s" y2="%s" class="ref-line"/>`, num(w/2), num(w/2), num(22+barH+4))
	b.f(`<text x="%s" y="10" class="ref-label" text-anchor="middle">%s</text>`, num(w/2), esc(halfLabel))
	for i, s := range segs {
		lx := 0.0
		ly := 22 + barH + 14 + 24*float64(i)
		b.f(`<rect x="%s" y="%s" width="14" height="14" fill="%s"/>`, num(lx), num(ly), s.Colour)
		b.f(`<text x="%s" y="%s" class="legend">%s: %s</text>`, num(lx+20), num(ly+12), esc(s.Label), esc(s.Value))
	}
	return b.close()
}

// tile is a region in the tile-grid cartogram; a tile with stripes is
// split into one stripe per single-member district.
type tile struct {
	Col, Row int
	Lines    []string
	Value    string
	Fill     string
	Href     string
	Title    string
	Stripes  []stripe
}

type stripe struct {
	Fill, Href, Title string
}

// legendItem is a colour of a map and what it means; a leader's item has
// the scale of its shades by share instead of one colour.
type legendItem struct {
	Label, Colour string
	Scale         []string
}

// tileMap draws the cartogram: one equal square per region at its column
// and row, so that the three cities, which would vanish on a map by area,
// weigh as much as an oblast.
func tileMap(id, title, desc string, tiles []tile, legend []legendItem) template.HTML {
	const size, gap = 84.0, 4.0
	cols, rows := 1, 1
	for _, t := range tiles {
		cols, rows = max(cols, t.Col+1), max(rows, t.Row+1)
	}
	// A small map keeps the scale of the full one: the page's CSS fits
	// the width, and a map of three regions should not fill a screen.
	w := float64(max(cols, 6)) * (size + gap)
	legendRows := (len(legend) + 1) / 2
	h := float64(rows)*(size+gap) + 8 + 26*float64(legendRows)
	var b svg
	b.open(id, "tilemap", w, h, title, desc)
	for _, t := range tiles {
		x, y := float64(t.Col)*(size+gap), float64(t.Row)*(size+gap)
		if len(t.Stripes) > 0 {
			sw := size / float64(len(t.Stripes))
			for i, s := range t.Stripes {
				b.f(`<a href="%s"><rect x="%s" y="%s" width="%s" height="%s" fill="%s" class="tile"><title>%s</title></rect></a>`,
					esc(s.Href), num(x+sw*float64(i)), num(y), num(sw), num(size), s.Fill, esc(s.Title))
			}
			b.f(`<rect x="%s" y="%s" width="%s" height="26" fill="#fff" fill-opacity="0.85"/>`, num(x), num(y+size-26), num(size))
			label, fit := strings.Join(t.Lines, " "), ""
			if len([]rune(label)) > 8 {
				fit = ` textLength="80" lengthAdjust="spacingAndGlyphs"`
			}
			b.f(`<text x="%s" y="%s" class="stripe-label" text-anchor="middle"%s>%s</text>`, num(x+size/2), num(y+size-6), fit, esc(label))
			continue
		}
		fg := textOn(t.Fill)
		b.f(`<a href="%s"><title>%s</title><rect x="%s" y="%s" width="%s" height="%s" rx="3" fill="%s" class="tile"/>`,
			esc(t.Href), esc(t.Title), num(x), num(y), num(size), num(size), t.Fill)
		for i, line := range t.Lines {
			// A label of more than eight letters is squeezed to the tile
			// rather than spilling over its edge.
			fit := ""
			if len([]rune(line)) > 8 {
				fit = ` textLength="80" lengthAdjust="spacingAndGlyphs"`
			}
			b.f(`<text x="%s" y="%s" class="tile-label" text-anchor="middle" fill="%s"%s>%s</text>`, num(x+size/2), num(y+22+20*float64(i)), fg, fit, esc(line))
		}
		if t.Value != "" {
			fit := ""
			if len([]rune(t.Value)) > 6 {
				fit = ` textLength="78" lengthAdjust="spacingAndGlyphs"`
			}
			b.f(`<text x="%s" y="%s" class="tile-value" text-anchor="middle" fill="%s"%s>%s</text>`, num(x+size/2), num(y+size-9), fg, fit, esc(t.Value))
		}
		b.WriteString(`</a>`)
	}
	ly := float64(rows)*(size+gap) + 8
	lw := w / 2
	for i, l := range legend {
		lx := float64(i%2) * lw
		yy := ly + 26*float64(i/2)
		if len(l.Scale) == 0 {
			b.f(`<rect x="%s" y="%s" width="14" height="14" fill="%s"/>`, num(lx), num(yy), l.Colour)
			b.f(`<text x="%s" y="%s" class="legend">%s</text>`, num(lx+20), num(yy+12), esc(l.Label))
			continue
		}
		// A leader's scale, lightest (smallest share) first.
		for j, c := range l.Scale {
			b.f(`<rect x="%s" y="%s" width="14" height="14" fill="%s"/>`, num(lx+14*float64(j)), num(yy), c)
		}
		b.f(`<text x="%s" y="%s" class="legend">%s</text>`, num(lx+14*float64(len(l.Scale))+6), num(yy+12), esc(l.Label))
	}
	return b.close()
}

// genericWords are the words every oblast and city shares, left out of its
// tile's label, and their abbreviations where two labels would be equal
// without them (Almaty Region and the city of Almaty).
var genericWords = []struct{ word, abbr string }{
	{" облысы", "обл."}, {" қаласы", "қ."}, {" область", "обл."}, {"область ", "обл."},
	{"город ", "г."}, {" Region", "Reg."}, {"г. ", "г."},
}

// tileLines is a region's label on its tile, short enough to be set at a
// legible size on a phone: its name without the generic words, a word of
// more than seven letters cut to five and a dot ("Акмолинская" → "Акмол."),
// all but the last part of a longer name reduced to initials
// ("Западно-Казахстанская" → "З.-Казах.", "West Kazakhstan" → "W. Kazak.").
// With full, the generic word follows, abbreviated, on a second line.
func tileLines(name string, full bool) []string {
	generic := ""
	for _, w := range genericWords {
		if strings.Contains(name, w.word) {
			name, generic = strings.Replace(name, w.word, "", 1), w.abbr
			break
		}
	}
	var parts, seps []string
	for _, word := range strings.Fields(name) {
		for i, p := range strings.Split(word, "-") {
			if p == "" {
				continue
			}
			sep := " "
			if i > 0 {
				sep = "-"
			}
			parts, seps = append(parts, p), append(seps, sep)
		}
	}
	if len(parts) == 0 {
		return nil
	}
	var b strings.Builder
	for i, p := range parts {
		r := []rune(p)
		if i > 0 {
			b.WriteString(seps[i])
		}
		switch {
		case i < len(parts)-1:
			b.WriteString(string(r[0]) + ".")
		case len(r) > 7:
			b.WriteString(string(r[:5]) + ".")
		default:
			b.WriteString(p)
		}
	}
	label := b.String()
	if len(parts) == 1 {
		label = abbrevWord(parts[0])
	}
	lines := []string{label}
	if full && generic != "" {
		lines = append(lines, generic)
	}
	return lines
}

// abbrevWord cuts a word of more than seven letters to five and a dot.
func abbrevWord(w string) string {
	if r := []rune(w); len(r) > 7 {
		return string(r[:5]) + "."
	}
	return w
}

// progressPoint is the count at a moment: the share of precincts in and
// the turnout where they are.
type progressPoint struct {
	At       time.Time
	Reported float64
	Turnout  float64
}

// progressChart draws the count over the night: the share of precincts
// reported and the turnout in them, against the clock in the site's zone.
//
// With elapsed, the axis reads the time since the first point (+h:mm)
// instead of the clock: a replay's or a late import's clock is not the
// election night's.
func progressChart(id, title, desc string, pts []progressPoint, zone *time.Location, elapsed bool, reportedLabel, turnoutLabel string) template.HTML {
	const w, h = 600.0, 250.0
	const left, right, top, bottom = 40.0, 590.0, 12.0, 200.0
	var b svg
	b.open(id, "progress", w, h, title, desc)
	for _, p := range []float64{0, 25, 50, 75, 100} {
		y := bottom - (bottom-top)*p/100
		b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="grid"/>`, num(left), num(y), num(right), num(y))
		b.f(`<text x="%s" y="%s" class="axis" text-anchor="end">%s%%</text>`, num(left-4), num(y+4), strconv.Itoa(int(p)))
	}
	if len(pts) > 0 {
		from, to := pts[0].At, pts[len(pts)-1].At
		span := to.Sub(from)
		if span <= 0 {
			span = time.Minute
			from = to.Add(-span)
		}
		xOf := func(t time.Time) float64 { return left + (right-left)*float64(t.Sub(from))/float64(span) }
		step := tickStep(span)
		first := from.In(zone).Truncate(step)
		if elapsed {
			first = from
		}
		for t := first; !t.After(to); t = t.Add(step) {
			if t.Before(from) {
				continue
			}
			x := xOf(t)
			label := t.In(zone).Format("15:04")
			if elapsed {
				label = sinceLabel(t.Sub(from))
			}
			b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="grid"/>`, num(x), num(top), num(x), num(bottom))
			b.f(`<text x="%s" y="%s" class="axis" text-anchor="middle">%s</text>`, num(x), num(bottom+16), label)
		}
		line := func(val func(progressPoint) float64) string {
			var d strings.Builder
			for i, p := range pts {
				cmd := "L"
				if i == 0 {
					cmd = "M"
				}
				fmt.Fprintf(&d, "%s%s %s", cmd, num(xOf(p.At)), num(bottom-(bottom-top)*val(p)/100))
			}
			return d.String()
		}
		b.f(`<path d="%s" class="line-reported" fill="none" stroke="%s"/>`, line(func(p progressPoint) float64 { return p.Reported }), okabeIto[0])
		b.f(`<path d="%s" class="line-turnout" fill="none" stroke="%s"/>`, line(func(p progressPoint) float64 { return p.Turnout }), okabeIto[1])
	}
	ly := h - 18
	b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="line-reported" stroke="%s"/>`, num(left), num(ly), num(left+24), num(ly), okabeIto[0])
	b.f(`<text x="%s" y="%s" class="legend">%s</text>`, num(left+30), num(ly+4), esc(reportedLabel))
	b.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="line-turnout" stroke="%s"/>`, num(320), num(ly), num(344), num(ly), okabeIto[1])
	b.f(`<text x="%s" y="%s" class="legend">%s</text>`, num(350), num(ly+4), esc(turnoutLabel))
	return b.close()
}

// sinceLabel writes a duration as +h:mm.
func sinceLabel(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	return fmt.Sprintf("+%d:%02d", m/60, m%60)
}

// tickStep chooses the spacing of the clock ticks for a span of time.
func tickStep(span time.Duration) time.Duration {
	for _, s := range []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour} {
		if span/s <= 8 {
			return s
		}
	}
	return 12 * time.Hour
}

package web

import (
	"fmt"
	"math"
	"strconv"

	"github.com/dauys/dauys"
)

// okabeIto is the colour-blind-safe palette of Okabe and Ito (2008), in the
// order parties get it. Black is left out: it reads as "no data" and hides
// text.
var okabeIto = []string{
	"#0072B2", // blue
	"#E69F00", // orange
	"#009E73", // bluish green
	"#CC79A7", // reddish purple
	"#56B4E9", // sky blue
	"#D55E00", // vermillion
	"#F0E442", // yellow
}

// Colours with a fixed meaning.
const (
	colourOther      = "#8C8C8C" // against all, candidates without a party, parties beyond the palette
	colourNoData     = "#E4E4E4" // nothing reported yet
	colourYes        = "#0072B2"
	colourNo         = "#D55E00"
	colourBothMarked = "#CC79A7"
	colourInvalid    = "#8C8C8C"
)

// palette gives every party of an election the same colour on every page:
// parties in the order they first appear on the election's party lists,
// then the parties of candidates.
type palette map[string]string

func paletteOf(e *dauys.Election) palette {
	p := palette{}
	add := func(key string) {
		if key == "" {
			return
		}
		if _, ok := p[key]; ok {
			return
		}
		if n := len(p); n < len(okabeIto) {
			p[key] = okabeIto[n]
		} else {
			p[key] = colourOther
		}
	}
	for _, c := range e.Contests {
		if c.Kind == dauys.KindList {
			for _, o := range c.Options {
				add(o.ID)
			}
		}
	}
	for _, c := range e.Contests {
		if c.Kind == dauys.KindMajority {
			for _, o := range c.Options {
				add(partyKey(o))
			}
		}
	}
	for _, c := range e.Contests {
		if c.Kind == dauys.KindPlurality {
			for _, o := range c.Options {
				if o.Party != "" {
					add(o.Party)
				}
			}
		}
	}
	return p
}

// partyKey is what an option is coloured by: its party, or itself for a
// party list or a candidate of a majority contest.
func partyKey(o dauys.Option) string {
	if o.Party != "" {
		return o.Party
	}
	return o.ID
}

func (p palette) of(o dauys.Option) string {
	if c, ok := p[partyKey(o)]; ok {
		return c
	}
	return colourOther
}

// textOn returns black or white, whichever reads better on a fill, by the
// WCAG relative luminance.
func textOn(fill string) string {
	if len(fill) != 7 || fill[0] != '#' {
		return "#000"
	}
	lum := 0.0
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(fill[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += w * c
	}
	// Contrast with black is (lum+0.05)/0.05, with white 1.05/(lum+0.05).
	if (lum+0.05)/0.05 >= 1.05/(lum+0.05) {
		return "#000"
	}
	return "#fff"
}

// yesScale colours a referendum unit by the yes share of participants:
// blue above half, orange below, stronger further from half.
func yesScale(yes, tookPart int64) string {
	if tookPart == 0 {
		return colourNoData
	}
	p := pctFloat(yes, tookPart)
	switch {
	case p > 75:
		return "#0072B2"
	case p > 60:
		return "#3D94CC"
	case p > 50:
		return "#9CC7E8"
	case p > 40:
		return "#F3C18F"
	default:
		return "#D55E00"
	}
}

// shareShades are the strengths of a leader's colour on a map by its share
// of the votes, from under 40% (lightest) to 60% or more (full colour).
var shareShades = []struct {
	from     float64 // percent
	strength float64
}{{0, 0.3}, {40, 0.5}, {50, 0.75}, {60, 1}}

// shade is a leader's colour mixed with white by its share of the votes.
func shade(fill string, share float64) string {
	strength := shareShades[0].strength
	for _, s := range shareShades {
		if share >= s.from {
			strength = s.strength
		}
	}
	return tint(fill, strength)
}

// shadeScale is a leader's colour at each step of shareShades.
func shadeScale(fill string) []string {
	var out []string
	for _, s := range shareShades {
		out = append(out, tint(fill, s.strength))
	}
	return out
}

// tint mixes a colour with white: strength 1 is the colour, 0 white.
func tint(fill string, strength float64) string {
	if len(fill) != 7 || fill[0] != '#' {
		return fill
	}
	out := "#"
	for i := 0; i < 3; i++ {
		v, _ := strconv.ParseUint(fill[1+2*i:3+2*i], 16, 8)
		out += fmt.Sprintf("%02X", int(math.Round(255-(255-float64(v))*strength)))
	}
	return out
}

// turnoutSteps shade a map by turnout: the Okabe-Ito bluish green, lighter
// for a lower turnout.
var turnoutSteps = []struct {
	from float64 // percent
	fill string
}{{0, "#CCECE3"}, {50, "#80CEB9"}, {60, "#33B08E"}, {70, "#009E73"}}

// turnoutShade is the fill of a region by its turnout in percent.
func turnoutShade(pct float64) string {
	fill := turnoutSteps[0].fill
	for _, s := range turnoutSteps {
		if pct >= s.from {
			fill = s.fill
		}
	}
	return fill
}

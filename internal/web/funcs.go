package web

import (
	"html/template"
	"strings"
)

// templateFuncs are the few helpers the templates need; everything said in
// words comes from the page's locale (.L).
var templateFuncs = template.FuncMap{
	// pair hands a partial template the locale and its data.
	"pair": func(l *locale, v any) pairArgs { return pairArgs{L: l, V: v} },
	// votes prepares a votes table, with a seats column for a list.
	"votes": func(rows, seats []optionRow) votesTable { return votesTable{Rows: rows, Seats: len(seats) > 0} },
	// votesFull is votes with the options' full names.
	"votesFull": func(rows, seats []optionRow) votesTable {
		return votesTable{Rows: rows, Seats: len(seats) > 0, Full: true}
	},
	"chip": chip,
}

// chipClasses names the palette's colours (palette.go) by the stylesheet's
// classes (static/site.css, .chip.k…), so that a colour chip is a 40-byte
// element rather than a 95-byte SVG: a district's page has one before
// every polling station's leader, and every amendment below it makes the
// page again. TestChipClasses checks the stylesheet has each.
var chipClasses = map[string]string{
	"#0072B2": "k0", "#E69F00": "k1", "#009E73": "k2", "#CC79A7": "k3", "#56B4E9": "k4",
	"#D55E00": "k5", "#F0E442": "k6", colourOther: "k7", colourNoData: "k8",
}

// chip is the square of a party's or an answer's colour before its name:
// a class of the stylesheet for the palette's colours, an SVG for any
// other.
func chip(colour string) template.HTML {
	if k, ok := chipClasses[strings.ToUpper(colour)]; ok {
		return template.HTML(`<i class="chip ` + k + `" aria-hidden="true"></i>`)
	}
	return template.HTML(`<svg class="chip" aria-hidden="true"><rect width="100%" height="100%" rx="2" fill="` + template.HTMLEscapeString(colour) + `"/></svg>`)
}

type pairArgs struct {
	L *locale
	V any
}

type votesTable struct {
	Rows  []optionRow
	Seats bool
	Full  bool
}

package web

import "html/template"

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

// Package report renders, as text for people, the reports the CLI prints
// about data other packages compute: the statistical signals of
// internal/forensics with the cross-contest check of internal/integrity,
// and the steps of a risk-limiting audit (integrity.Audit). It only
// writes: it reads no store and decides nothing, so that cmd/dauys only
// wires a command's flags to the computation and to its report.
//
// Numbers are grouped with dauys.Thousands, as everywhere in the CLI.
// report may import the root package and the packages whose results it
// renders; it must never import a store, intake or a server.
package report

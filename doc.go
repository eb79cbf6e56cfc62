// Package dauys holds the domain of the Dauys results system: elections with
// their geography, contests and protocol forms, precinct protocols and their
// versions, the error type every layer speaks, and the Store interface that
// the storage backends implement.
//
// The package imports no driver, no network code, no templates and no
// other package of this module. Implementations live in subpackages and
// are wired together in cmd/dauys. Data flows one way: definition ->
// intake -> store (+ log) -> tally -> decide -> api/web/publish; verify
// reads only what publish wrote. docs/architecture.md draws the whole
// picture, and TestArchitecture checks it.
package dauys

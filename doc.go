// Package dauys holds the domain of the Dauys results system: elections with
// their geography, contests and protocol forms, precinct protocols and their
// versions, the error type every layer speaks, and the Store interface that
// the storage backends implement.
//
// The package imports no driver, no network code and no templates.
// Implementations live in subpackages and are wired together in cmd/dauys.
// Data flows one way: definition -> intake -> store -> tally -> decide ->
// api/web/publish.
package dauys

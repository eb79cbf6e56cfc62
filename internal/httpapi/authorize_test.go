package httpapi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dauys/dauys"
	elect "github.com/dauys/dauys/internal/election"
	"github.com/dauys/dauys/internal/httpapi"
)

// TestAuthorize is the table of who may do what where: every principal
// against every action on every kind of area. The fixture's tree is kz >
// r1 > p1 and kz > r2 > p2; "" is the whole election and "zz" an area the
// election does not have, which only intake refuses (as not found).
func TestAuthorize(t *testing.T) {
	e, err := elect.Compile(election())
	if err != nil {
		t.Fatal(err)
	}
	other := election()
	other.ID = "x"
	x, err := elect.Compile(other)
	if err != nil {
		t.Fatal(err)
	}
	areas := []string{"", "kz", "r1", "p1", "r2", "p2", "zz"}
	all := areas
	var (
		submit   = httpapi.ActionSubmit
		amend    = httpapi.ActionAmend
		ack      = httpapi.ActionAcknowledge
		resolve  = httpapi.ActionResolve
		keys     = httpapi.ActionManageKeys
		users    = httpapi.ActionManageUsers
		readLogs = httpapi.ActionReadAudit
		observe  = httpapi.ActionObserve
		complain = httpapi.ActionComplain
		decideA  = httpapi.ActionDecide
	)
	principal := func(role, election, area string) *dauys.Principal {
		return &dauys.Principal{Subject: role + "@" + area, Role: role, Election: election, Area: area}
	}
	everything := map[httpapi.Action][]string{submit: all, amend: all, ack: all, resolve: all, keys: all, users: all, readLogs: all, observe: all, complain: all, decideA: all}
	writeAll := map[httpapi.Action][]string{submit: all, amend: all, ack: all, resolve: all, complain: all, decideA: all}
	tests := []struct {
		name string
		p    *dauys.Principal
		// inE and inX list, for each action, the areas of elections e and
		// x where it is allowed; every other combination is refused.
		inE, inX map[httpapi.Action][]string
	}{
		{"nobody", nil, nil, nil},
		{"CEC admin", principal(dauys.RoleAdmin, "", ""), everything, everything},
		{"admin of election e", principal(dauys.RoleAdmin, "e", ""), everything, nil},
		{"admin of region r1", principal(dauys.RoleAdmin, "e", "r1"),
			map[httpapi.Action][]string{submit: {"r1", "p1", "zz"}, amend: {"r1", "p1", "zz"}, ack: {"r1", "p1", "zz"}, resolve: {"r1", "p1", "zz"}, keys: {"r1", "p1", "zz"}, users: {"r1", "p1", "zz"}, readLogs: {"r1", "p1", "zz"}, observe: {"r1", "p1", "zz"}, complain: {"r1", "p1", "zz"}, decideA: {"r1", "p1", "zz"}}, nil},
		{"operator of r1", principal(dauys.RoleOperator, "e", "r1"),
			map[httpapi.Action][]string{submit: {"r1", "p1", "zz"}, amend: {"r1", "p1", "zz"}, ack: {"r1", "p1", "zz"}, resolve: {"r1", "p1", "zz"}, complain: {"r1", "p1", "zz"}, decideA: {"r1", "p1", "zz"}}, nil},
		{"operator of the whole of e", principal(dauys.RoleOperator, "e", ""), writeAll, nil},
		{"operator of every election", principal(dauys.RoleOperator, "", ""), writeAll, writeAll},
		{"operator of election x", principal(dauys.RoleOperator, "x", ""), nil, writeAll},
		{"operator of the country", principal(dauys.RoleOperator, "e", "kz"),
			map[httpapi.Action][]string{submit: {"kz", "r1", "p1", "r2", "p2", "zz"}, amend: {"kz", "r1", "p1", "r2", "p2", "zz"}, ack: {"kz", "r1", "p1", "r2", "p2", "zz"}, resolve: {"kz", "r1", "p1", "r2", "p2", "zz"}, complain: {"kz", "r1", "p1", "r2", "p2", "zz"}, decideA: {"kz", "r1", "p1", "r2", "p2", "zz"}}, nil},
		{"precinct p1", principal(dauys.RolePrecinct, "e", "p1"), map[httpapi.Action][]string{submit: {"p1"}, complain: {"p1"}}, nil},
		{"precinct commission given a region", principal(dauys.RolePrecinct, "e", "r1"), map[httpapi.Action][]string{submit: {"r1"}, complain: {"r1"}}, nil},
		{"precinct without area", principal(dauys.RolePrecinct, "e", ""), nil, nil},
		{"observer of e", principal(dauys.RoleObserver, "e", ""), map[httpapi.Action][]string{readLogs: all, observe: all, complain: all}, nil},
		{"observer of r2", principal(dauys.RoleObserver, "e", "r2"), map[httpapi.Action][]string{readLogs: {"r2", "p2", "zz"}, observe: {"r2", "p2", "zz"}, complain: {"r2", "p2", "zz"}}, nil},
		{"observer at p1", principal(dauys.RoleObserver, "e", "p1"), map[httpapi.Action][]string{readLogs: {"p1", "zz"}, observe: {"p1", "zz"}, complain: {"p1", "zz"}}, nil},
		{"unknown role", principal("root", "", ""), nil, nil},
		{"no role", principal("", "", ""), nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, action := range httpapi.Actions() {
				for _, area := range areas {
					checkDecision(t, fmt.Sprintf("%s on %q of e", action, area), tt.p,
						httpapi.Authorize(tt.p, action, e, area), slices.Contains(tt.inE[action], area))
					checkDecision(t, fmt.Sprintf("%s on %q of x", action, area), tt.p,
						httpapi.Authorize(tt.p, action, x, area), slices.Contains(tt.inX[action], area))
				}
				// Outside any election, only unscoped principals act.
				want := tt.p != nil && tt.p.Election == "" && tt.p.Area == "" && slices.Contains(tt.inE[action], "")
				checkDecision(t, fmt.Sprintf("%s outside any election", action), tt.p, httpapi.Authorize(tt.p, action, nil, ""), want)
			}
		})
	}
}

func checkDecision(t *testing.T, what string, p *dauys.Principal, err error, want bool) {
	t.Helper()
	switch {
	case want && err != nil:
		t.Errorf("%s: refused (%v), want allowed", what, err)
	case !want && err == nil:
		t.Errorf("%s: allowed, want refused", what)
	case !want && p == nil && dauys.ErrorCode(err) != dauys.EUNAUTHORIZED:
		t.Errorf("%s without a principal: %v, want unauthorized", what, err)
	case !want && p != nil && dauys.ErrorCode(err) != dauys.EFORBIDDEN:
		t.Errorf("%s: %v, want forbidden", what, err)
	}
}

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/dauys/dauys"
	"golang.org/x/term"
)

// minPasswordLength is the shortest password user add accepts. Sign-ins
// are throttled, so length, not composition rules, is what counts.
const minPasswordLength = 12

func (m *Main) runUserAdd(ctx context.Context, args []string) error {
	fs, db := m.flags("user add")
	name := fs.String("name", "", "the name the user signs in with")
	role := fs.String("role", "", "admin, operator, precinct or observer")
	area := fs.String("area", "", "the area subtree the user acts in (a precinct commission's precinct); default the whole election")
	election := fs.String("election", "", "the election the user acts in; default every election")
	org := fs.String("org", "", "for an observer: the registered organisation whose copies of protocols the user sends")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" || !dauys.ValidRole(*role) {
		return usageErr{"user add takes --name N --role admin|operator|precinct|observer [--area ID --election ID]; the password is read from standard input"}
	}
	if *area != "" && *election == "" {
		return usageErr{"--area needs --election: areas belong to an election"}
	}
	u := &dauys.User{Name: *name, Role: *role, Election: *election, Area: *area, Org: *org, PasswordHash: "-"}
	if err := u.Validate(); err != nil {
		return err
	}
	password, err := m.readPassword(fmt.Sprintf("Password for %s: ", *name))
	if err != nil {
		return err
	}
	if n := utf8.RuneCountInString(password); n < minPasswordLength {
		return dauys.Errorf(dauys.EINVALID, "the password has %d characters; it needs at least %d", n, minPasswordLength)
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var us dauys.UserStore = s
	if *election != "" {
		e, err := s.elections.Load(ctx, *election)
		if err != nil {
			return err
		}
		if *area != "" && e.Tree.Area(*area) == nil {
			return dauys.Errorf(dauys.ENOTFOUND, "area %q does not exist in election %s", *area, *election)
		}
		if *org != "" {
			if _, err := s.intake.Organisation(ctx, *election, *org); err != nil {
				return err
			}
		}
	}
	u.PasswordHash, u.CreatedAt = dauys.HashPassword(password, dauys.DefaultPasswordParams()), m.Now().UTC()
	if err := us.CreateUser(ctx, u); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "added user %s (%s%s)\n", u.Name, u.Role, scopeOf(u.Election, u.Area))
	return nil
}

// scopeOf describes a scope for people.
func scopeOf(election, area string) string {
	switch {
	case election == "":
		return ", every election"
	case area == "":
		return ", election " + election
	}
	return ", election " + election + ", area " + area
}

// readPassword reads a password: from a terminal without echo, twice; or
// else the first line of standard input, so that scripts can pipe it. A
// password is never taken from a flag, where ps and the shell's history
// would show it.
func (m *Main) readPassword(prompt string) (string, error) {
	if f, ok := m.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(m.Stderr, prompt)
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(m.Stderr, "Again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(again) {
			return "", dauys.Errorf(dauys.EINVALID, "the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", dauys.Errorf(dauys.EINVALID, "no password on standard input")
	}
	return line, nil
}

func (m *Main) runUserList(ctx context.Context, args []string) error {
	fs, db := m.flags("user list")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var us dauys.UserStore = s
	list, err := us.Users(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []*dauys.User{}
		}
		return writeJSON(m.Stdout, map[string]any{"users": list})
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tELECTION\tAREA\tCREATED\tDISABLED")
	for _, u := range list {
		disabled := ""
		if !u.DisabledAt.IsZero() {
			disabled = u.DisabledAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, u.Election, u.Area, u.CreatedAt.Format("2006-01-02 15:04"), disabled)
	}
	return tw.Flush()
}

func (m *Main) runUserDisable(ctx context.Context, args []string) error {
	fs, db := m.flags("user disable")
	name := fs.String("name", "", "the user")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return usageErr{"user disable takes --name N"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var us dauys.UserStore = s
	if err := us.DisableUser(ctx, *name, m.Now().UTC()); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "disabled user %s and ended its sessions\n", *name)
	return nil
}

// runUserUnlock lifts the lock failed sign-ins put on an account.
func (m *Main) runUserUnlock(ctx context.Context, args []string) error {
	fs, db := m.flags("user unlock")
	name := fs.String("name", "", "the user")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return usageErr{"user unlock takes --name N"}
	}
	s, err := m.open(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var us dauys.UserStore = s
	if _, err := us.User(ctx, *name); err != nil {
		return err
	}
	if err := us.ClearLoginFailures(ctx, "user:"+*name); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "unlocked user %s\n", *name)
	return nil
}

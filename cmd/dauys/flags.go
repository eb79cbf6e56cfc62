package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/dauys/dauys"
)

// flags returns a FlagSet for a command with the --db flag every command
// that opens a database takes.
func (m *Main) flags(name string) (*flag.FlagSet, *string) {
	fs := m.flagSet(name)
	db := fs.String("db", "dauys.db", "SQLite file or postgres:// URL")
	return fs, db
}

// flagSet returns a FlagSet for a command. Its --config flag carries the
// Main, so that parse can print help to the right stream and fill the
// flags left unset from the environment and the config file.
func (m *Main) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("dauys "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {} // parse prints the usage, to stdout when asked for
	fs.Var(&configFlag{m: m}, "config", "read unset flags from this `FILE` of key = value lines (default $DAUYS_CONFIG)")
	return fs
}

// configFlag is the --config flag, which knows its program.
type configFlag struct {
	m    *Main
	path string
}

func (c *configFlag) String() string {
	if c == nil {
		return ""
	}
	return c.path
}
func (c *configFlag) Set(v string) error { c.path = v; return nil }

// parsedCommand is what parse read: the flags, as set from the command
// line, the environment or the config file, and the positional arguments.
// The audit trail records these, not a second reading of the arguments.
type parsedCommand struct {
	flags *flag.FlagSet
	args  []string
}

// parse parses flags that may come before or after the positional
// arguments, as users type them both ways, then fills the flags the
// command line left unset from the environment and the config file.
// --help prints the command's usage to standard output.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var cf *configFlag
	if f := fs.Lookup("config"); f != nil {
		cf, _ = f.Value.(*configFlag)
	}
	if cf != nil && cf.m.describe != nil {
		cf.m.describe(fs)
		return nil, errDescribed
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if cf != nil {
				if errors.Is(err, flag.ErrHelp) {
					printUsage(cf.m.Stdout, fs)
				} else {
					printUsage(cf.m.Stderr, fs)
				}
			}
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			// The flag set has printed the problem.
			return nil, fmt.Errorf("%w: %v", errFlags, err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if cf == nil {
		return pos, nil
	}
	m := cf.m
	if err := m.fillFlags(fs, cf.path); err != nil {
		return nil, err
	}
	if m.parsed == nil {
		m.parsed = &parsedCommand{flags: fs, args: pos}
	}
	return pos, nil
}

// fillFlags sets each flag the command line left unset from
// $DAUYS_<FLAG>, else from the config file: a flag beats the environment,
// which beats the file, which beats the default.
func (m *Main) fillFlags(fs *flag.FlagSet, configPath string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	getenv := m.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if configPath == "" {
		configPath = m.configPath
	}
	if configPath == "" {
		configPath = getenv("DAUYS_CONFIG")
	}
	var config map[string]configValue
	if configPath != "" {
		var err error
		var shared bool
		if config, shared, err = readConfig(configPath, strings.TrimPrefix(fs.Name(), "dauys ")); err != nil {
			return err
		}
		if v, ok := config["db"]; ok && shared && hasPassword(v.value) {
			fmt.Fprintf(m.Stderr, "dauys: warning: %s holds a database password and others may read it: chmod 600 %s\n", configPath, configPath)
		}
	}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || f.Name == "config" {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, usageErr{fmt.Sprintf("$%s: %v", envName(f.Name), err)})
			}
			return
		}
		if v, ok := config[f.Name]; ok {
			if err := fs.Set(f.Name, v.value); err != nil {
				errs = append(errs, usageErr{fmt.Sprintf("%s:%d: %s: %v", configPath, v.line, f.Name, err)})
			}
		}
	})
	return errors.Join(errs...)
}

// envName is the environment variable of a flag: --log-key is
// DAUYS_LOG_KEY.
func envName(flagName string) string {
	return "DAUYS_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

type configValue struct {
	value string
	line  int
}

// maxConfigSize bounds a config file, which is a few lines.
const maxConfigSize = 1 << 20

// readConfig reads the values a config file gives a command: the lines
// before any [section], which apply to every command that has the flag,
// then those of the command's own [section] ("[serve]", "[protocols
// import]"), which win.
//
//	# dauys.conf
//	db = postgres://dauys@db.internal/dauys?sslmode=verify-full
//	[serve]
//	addr = 0.0.0.0:8443
//
// shared says whether others than its owner may read the file.
func readConfig(path, command string) (values map[string]configValue, shared bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, false, dauys.Errorf(dauys.ENOTFOUND, "config file %s does not exist", path)
		}
		return nil, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if st.Size() > maxConfigSize {
		return nil, false, dauys.Errorf(dauys.EINVALID, "config file %s is larger than %d bytes", path, maxConfigSize)
	}
	shared = st.Mode().Perm()&0o077 != 0
	global, own := map[string]configValue{}, map[string]configValue{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			section = strings.Join(strings.Fields(line[1:len(line)-1]), " ")
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, false, dauys.Errorf(dauys.EINVALID, "%s:%d: want key = value, or [command]", path, n)
		}
		key, value = strings.TrimSpace(key), unquote(strings.TrimSpace(value))
		switch section {
		case "":
			global[key] = configValue{value, n}
		case command:
			own[key] = configValue{value, n}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	for k, v := range own {
		global[k] = v
	}
	return global, shared, nil
}

// hasPassword reports whether a database URL holds a password.
func hasPassword(db string) bool {
	u, err := url.Parse(db)
	if err != nil || u.User == nil {
		return false
	}
	_, ok := u.User.Password()
	return ok
}

// unquote removes one pair of matching quotes around a value.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

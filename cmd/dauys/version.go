package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
)

// buildVersion is what the Go toolchain recorded about this binary.
type buildVersion struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
}

// readBuildVersion reads the module version and the version control
// stamp (go build -buildvcs, the default in a checkout) of this binary.
func readBuildVersion() buildVersion {
	v := buildVersion{Module: "github.com/dauys/dauys", Version: "(devel)", Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	v.Module, v.Go = info.Main.Path, info.GoVersion
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// runVersion prints the version: `dauys version [--json]`.
func (m *Main) runVersion(_ context.Context, args []string) error {
	fs := m.flagSet("version")
	asJSON := fs.Bool("json", false, "print JSON")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr{"version takes no arguments"}
	}
	v := readBuildVersion()
	if *asJSON {
		return writeJSON(m.Stdout, v)
	}
	fmt.Fprintf(m.Stdout, "dauys %s\n", v.Version)
	if v.Revision != "" {
		modified := ""
		if v.Modified {
			modified = " (modified)"
		}
		fmt.Fprintf(m.Stdout, "revision %s%s of %s\n", v.Revision, modified, v.Time)
	}
	fmt.Fprintf(m.Stdout, "module %s, built with %s\n", v.Module, v.Go)
	return nil
}

package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dockerInstruction is one instruction of a Dockerfile, its continuation
// lines joined.
type dockerInstruction struct {
	Cmd  string // upper case: FROM, RUN, ...
	Args string
}

func parseDockerfile(t *testing.T, path string) []dockerInstruction {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []dockerInstruction
	var cur strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue // a comment inside a continued instruction
		}
		if s, ok := strings.CutSuffix(line, "\\"); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, dockerInstruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// execForm reads a JSON-array instruction argument (CMD ["a", "b"]).
func execForm(t *testing.T, args string) []string {
	t.Helper()
	var out []string
	if err := json.Unmarshal([]byte(args), &out); err != nil {
		t.Fatalf("not in exec form: %s: %v", args, err)
	}
	return out
}

// TestDockerfile checks the container recipe without Docker, which the
// test machines lack: a static build of the package that exists, a
// non-root user, a health check and a command whose flags the binary
// takes. With a Docker daemon it builds the image too.
func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, "../../Dockerfile")
	var froms, runs []string
	var user, entry, health string
	var cmd []string
	for _, in := range ins {
		switch in.Cmd {
		case "FROM":
			froms = append(froms, in.Args)
		case "RUN":
			runs = append(runs, in.Args)
		case "USER":
			user = in.Args
		case "ENTRYPOINT":
			entry = in.Args
		case "CMD":
			cmd = execForm(t, in.Args)
		case "HEALTHCHECK":
			health = in.Args
		}
	}
	if len(froms) < 2 || !strings.Contains(froms[0], " AS build") {
		t.Errorf("not a multi-stage build: %v", froms)
	}
	if final := froms[len(froms)-1]; !strings.Contains(final, "distroless/static") {
		t.Errorf("the final image %q is not a static base", final)
	}
	build := regexp.MustCompile(`CGO_ENABLED=0 .*go build .*-o (\S+) (\./\S+)`)
	var binary, pkg string
	for _, r := range runs {
		if m := build.FindStringSubmatch(r); m != nil {
			binary, pkg = m[1], m[2]
		}
	}
	if pkg == "" {
		t.Fatalf("no CGO_ENABLED=0 go build in %v", runs)
	}
	// The package the recipe builds is this command.
	out, err := exec.Command("go", "list", "-f", "{{.Name}} {{.ImportPath}}", "../../"+pkg).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "main github.com/dauys/dauys/cmd/dauys" {
		t.Errorf("the Dockerfile builds %s: %s %v", pkg, out, err)
	}
	if binary == "" {
		t.Error("the build names no output")
	}
	if uid, _, _ := strings.Cut(user, ":"); user == "" || uid == "0" || uid == "root" {
		t.Errorf("USER %q: the server must not run as root", user)
	}
	if n, err := strconv.Atoi(strings.Split(user, ":")[0]); err == nil && n < 1000 {
		t.Errorf("USER %q: a system uid", user)
	}
	bin := execForm(t, entry)
	if len(bin) != 1 {
		t.Fatalf("ENTRYPOINT %v", bin)
	}

	// The health check asks the binary itself: its flags parse, and a
	// port nobody listens on is "not ready" (1), not a usage error (2).
	hc := regexp.MustCompile(`CMD (\[.*\])`).FindStringSubmatch(health)
	if hc == nil {
		t.Fatalf("HEALTHCHECK %q has no exec-form CMD", health)
	}
	probe := execForm(t, hc[1])
	if probe[0] != bin[0] || len(probe) < 2 || probe[len(probe)-1] != "--check-ready" {
		t.Fatalf("HEALTHCHECK runs %v", probe)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free := ln.Addr().String()
	ln.Close()
	args := append([]string(nil), probe[1:]...)
	for i, a := range args {
		if a == "--addr" && i+1 < len(args) {
			args[i+1] = free
		}
	}
	if code, _, errs := run(t, args...); code != 1 || !strings.Contains(errs, "not ready") {
		t.Errorf("the health check %v on a free port: %d %s", args, code, errs)
	}

	// Every flag of the default command is one serve takes.
	if len(cmd) == 0 || cmd[0] != "serve" {
		t.Fatalf("CMD %v", cmd)
	}
	_, helpOut, helpErrs := run(t, "serve", "-h")
	help := helpOut + helpErrs
	for _, a := range cmd[1:] {
		if name, ok := strings.CutPrefix(a, "--"); ok && !strings.Contains(help, "--"+name+" ") && !strings.Contains(help, "--"+name+"\n") {
			t.Errorf("CMD passes %s, which serve does not take:\n%s", a, help)
		}
	}

	ignore, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Fields(string(ignore)) {
		if l == "go.mod" || l == "go.sum" || l == "cmd" || l == "internal" || l == "*" {
			t.Errorf(".dockerignore drops %s, which the build needs", l)
		}
	}

	docker, err := exec.LookPath("docker")
	if err != nil {
		t.Skip("no docker command: the recipe is checked above but not built (docs/deploy.md)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := exec.CommandContext(ctx, docker, "info").Run(); err != nil {
		t.Skipf("docker cannot reach a daemon (%v): the recipe is checked above but not built (docs/deploy.md)", err)
	}
	if out, err := exec.Command(docker, "build", "-t", "dauys:test", "../..").CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
}

// TestSystemdUnit checks deploy/dauys.service with systemd-analyze, where
// it exists: `verify` must find nothing to warn about, and `security`
// must rate the unit's exposure low.
func TestSystemdUnit(t *testing.T) {
	unit, err := os.ReadFile("../../deploy/dauys.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "ReadWritePaths=/var/lib/dauys",
		"User=dauys", "CapabilityBoundingSet=\n", "--db /var/lib/dauys/dauys.db", "--metrics-addr 127.0.0.1:9090"} {
		if !bytes.Contains(unit, []byte(want)) {
			t.Errorf("the unit has no %q", strings.TrimSpace(want))
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("no systemd-analyze: the unit is checked above only")
	}
	// verify wants ExecStart to exist: the test binary stands in for
	// dauys.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dauys.service")
	os.WriteFile(path, bytes.ReplaceAll(unit, []byte("/usr/local/bin/dauys"), []byte(self)), 0o644)
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err = exec.Command(analyze, "security", "--offline=true", "--threshold=25", path).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze security: exposure above 2.5, or it failed: %v\n%s", err, out)
	}
	if m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out); m == nil {
		t.Errorf("no exposure level in:\n%s", out)
	} else {
		t.Logf("exposure %s", m[1])
	}
}

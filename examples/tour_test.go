package examples_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeTour runs the README's tour of the command line, as a new
// user would on a fresh clone: the block of commands under "A tour of the
// command line", in order, with the binary its first line builds, in an
// empty folder holding only the repository's examples. Every command must
// succeed. Then: no private key was written into the working folder (they
// go to the keys folder), and everything the tour did write there is
// ignored by the repository's .gitignore, so that a tour run in a clone
// leaves `git status` clean.
//
// It lives here, apart from cmd/dauys, so that under `go test ./...` it
// runs beside the other packages with a time budget of its own: it builds
// dauys and publishes the whole kz-2023 site (31,000 pages): about two
// minutes on a busy two-core machine.
func TestReadmeTour(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds dauys and publishes a whole election")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the tour needs bash")
		}
		t.Skip("the tour needs bash")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the tour builds dauys with the go command, which is not on the PATH")
	}
	t.Parallel()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	lines := tourCommands(t, filepath.Join(root, "README.md"))
	const build = "go build -o dauys ./cmd/dauys"
	if len(lines) < 2 || lines[0] != build {
		t.Fatalf("the tour does not start with %q: %q", build, lines)
	}

	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	keys := filepath.Join(home, ".config", "dauys", "keys")
	work := filepath.Join(dir, "clone")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// The tour's first line, run where it is written: in the repository.
	cmd := exec.Command(goTool, "build", "-o", filepath.Join(work, "dauys"), "./cmd/dauys")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", build, err, out)
	}
	if err := os.Symlink(filepath.Join(root, "examples"), filepath.Join(work, "examples")); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "tour.sh")
	if err := os.WriteFile(script, []byte(strings.Join(lines[1:], "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(bash, "-eux", "-o", "pipefail", script)
	cmd.Dir = work
	// A home of its own, so that the default keys folder is the test's
	// (~/.config/dauys/keys on Linux), and no DAUYS_KEYS from outside.
	cmd.Env = append(withoutEnv(os.Environ(), "HOME", "XDG_CONFIG_HOME", "DAUYS_KEYS"), "HOME="+home)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's tour failed: %v\n%s", err, out)
	}
	for _, want := range []string{"rows 603: accepted 603", "rows 794: accepted 794", "VERIFIED", "Audit plan: contest mazhilis-smd-03", "counting -> final"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the tour's output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(keys, "kz-2023-log.key")); err != nil {
		t.Errorf("the log key is not in the keys folder: %v", err)
	}

	// What the tour left in the working folder: never a key, and nothing
	// git would offer to commit.
	entries, err := os.ReadDir(work)
	if err != nil {
		t.Fatal(err)
	}
	git, gitErr := exec.LookPath("git")
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".key") || strings.HasSuffix(name, ".pem") {
			t.Errorf("the tour left a private key in the working folder: %s", name)
		}
		if name == "examples" || gitErr != nil {
			continue
		}
		path := name
		if e.IsDir() {
			path += "/"
		}
		check := exec.Command(git, "check-ignore", "--no-index", "-q", path)
		check.Dir = root
		if err := check.Run(); err != nil {
			t.Errorf("the tour leaves %s in the working folder and .gitignore does not cover it", path)
		}
	}
}

// tourCommands returns the lines of the first ```sh block after the
// README's heading "A tour of the command line".
func tourCommands(t *testing.T, readme string) []string {
	t.Helper()
	f, err := os.Open(readme)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	state := 0 // 0 before the heading, 1 before the block, 2 in it
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case state == 0 && strings.HasPrefix(l, "## A tour of the command line"):
			state = 1
		case state == 1 && l == "```sh":
			state = 2
		case state == 2 && l == "```":
			return lines
		case state == 2:
			lines = append(lines, l)
		}
	}
	t.Fatalf("%s has no ```sh block under \"A tour of the command line\"", readme)
	return nil
}

func withoutEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, n := range names {
			drop = drop || name == n
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}

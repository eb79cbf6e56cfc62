package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeAppendsToLog: a server given the CEC's log key appends what it
// accepts to the transparency log and signs a new checkpoint, without
// anyone running `dauys log sync`.
func TestServeAppendsToLog(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "dauys.db")
	key := filepath.Join(dir, "log.key")
	mustRun(t, "election", "import", "--db", db, "../../examples/kz-referendum-2022")
	mustRun(t, "log", "init", "--db", db, "--election", "kz-referendum-2022", "--key-out", key)
	token := strings.TrimSpace(mustRun(t, "token", "create", "--db", db, "--role", "admin", "--election", "kz-referendum-2022"))
	_, events := nightCSV(t, "kz-referendum-2022", func(i int) bool { return i < 5 })

	base := "http://" + startServe(t, "--db", db, "--log-key", key)
	size := func() int {
		resp, err := http.Get(base + "/log/kz-referendum-2022/checkpoint")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		lines := strings.Split(string(data), "\n")
		if resp.StatusCode != 200 || len(lines) < 2 {
			return -1
		}
		n, _ := strconv.Atoi(lines[1])
		return n
	}
	var before int
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if before = size(); before > 0 || time.Now().After(deadline) {
			break
		}
	}
	if before <= 0 {
		t.Fatalf("no checkpoint served: %d", before)
	}
	for _, ev := range events {
		body, _ := json.Marshal(ev.Submission)
		req, _ := http.NewRequest("POST", base+"/api/v1/elections/kz-referendum-2022/protocols", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("submission: %d", resp.StatusCode)
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for size() < before+len(events) {
		if time.Now().After(deadline) {
			t.Fatalf("the log did not grow from %d by %d: now %d", before, len(events), size())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The protocol's answer carries its place in the log and the proof.
	sub := events[0].Submission
	resp, err := http.Get(base + "/api/v1/elections/kz-referendum-2022/protocols/" + sub.Contest + "/" + sub.Area)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Versions []struct {
			Log *struct {
				Index    int64    `json:"index"`
				TreeSize int64    `json:"tree_size"`
				Proof    []string `json:"proof"`
			} `json:"log"`
		} `json:"versions"`
	}
	json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	if len(got.Versions) != 1 || got.Versions[0].Log == nil || got.Versions[0].Log.Index < int64(before) ||
		got.Versions[0].Log.TreeSize < int64(before+len(events)) || len(got.Versions[0].Log.Proof) == 0 {
		t.Errorf("protocol answer without its log inclusion: %+v", got)
	}
}

package tlog

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed statement of the log's size and root hash, in the
// C2SP tlog-checkpoint format:
//
//	<origin>
//	<size in decimal>
//	<root hash in standard base64>
//
// followed by a blank line and the signature lines of a note
// (golang.org/x/mod/sumdb/note). The origin is the name of the CEC's log
// key, so a checkpoint names the log it belongs to.
type Checkpoint struct {
	Origin string
	Size   int64
	Hash   tlog.Hash
}

// Text returns the checkpoint's body, the text that is signed.
func (c Checkpoint) Text() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, c.Hash)
}

// ParseCheckpoint reads a checkpoint's body. Extension lines after the root
// hash are allowed by C2SP and ignored.
func ParseCheckpoint(text string) (Checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return Checkpoint{}, errors.New("a checkpoint has an origin, a size and a root hash, one a line")
	}
	c := Checkpoint{Origin: lines[0]}
	if c.Origin == "" {
		return Checkpoint{}, errors.New("the checkpoint has no origin")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("checkpoint size %q is not a number", lines[1])
	}
	c.Size = n
	if c.Hash, err = tlog.ParseHash(lines[2]); err != nil {
		return Checkpoint{}, fmt.Errorf("checkpoint root hash %q: %v", lines[2], err)
	}
	return c, nil
}

// SignCheckpoint signs a checkpoint with the log key and returns the note.
func SignCheckpoint(c Checkpoint, signer note.Signer) ([]byte, error) {
	if signer.Name() != c.Origin {
		return nil, fmt.Errorf("tlog: the key %s cannot sign checkpoints of %s: a log key is named after its origin", signer.Name(), c.Origin)
	}
	return note.Sign(&note.Note{Text: c.Text()}, signer)
}

// OpenCheckpoint checks a signed checkpoint against the log's key and
// returns it with the note, whose signatures include those of witnesses
// (verified when their keys are among extra).
func OpenCheckpoint(msg []byte, key note.Verifier, extra ...note.Verifier) (Checkpoint, *note.Note, error) {
	n, err := note.Open(msg, note.VerifierList(append([]note.Verifier{key}, extra...)...))
	if err != nil {
		var unverified *note.UnverifiedNoteError
		if errors.As(err, &unverified) {
			return Checkpoint{}, nil, fmt.Errorf("the checkpoint is not signed by the log key %s", key.Name())
		}
		return Checkpoint{}, nil, fmt.Errorf("the checkpoint's signature does not verify: %v", err)
	}
	signed := false
	for _, s := range n.Sigs {
		if s.Name == key.Name() && s.Hash == key.KeyHash() {
			signed = true
		}
	}
	if !signed {
		return Checkpoint{}, nil, fmt.Errorf("the checkpoint is not signed by the log key %s", key.Name())
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	if c.Origin != key.Name() {
		return Checkpoint{}, nil, fmt.Errorf("the checkpoint is of log %q, but the key is %q's", c.Origin, key.Name())
	}
	return c, n, nil
}

package verify

// CheckSignatures is the verifier's own signature check, for the
// edge-case vectors (sigtest).
var CheckSignatures = checkSignatures

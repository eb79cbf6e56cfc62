package intake

// CheckSignatures is intake's own signature check, for the edge-case
// vectors (sigtest).
var CheckSignatures = checkSignatures

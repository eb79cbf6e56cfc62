package sigverify

// BatchValid is the batch equation alone, without the search for bad
// signatures that would hide its failures.
var BatchValid = batchValid

//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package web

// lockVersions has no lock to take on this system: publish runs without
// one, and takes a temporary folder for a leftover only once it is
// staleTemp old.
func lockVersions(dir string) (unlock func(), exclusive bool, err error) {
	return func() {}, false, nil
}

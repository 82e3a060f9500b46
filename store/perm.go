package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// privateDBFile makes the SQLite file at path readable by its owner only
// before SQLite opens it (SPEC §12): a missing directory is created 0700,
// the file is created 0600, and an existing file and its -wal and -shm
// are narrowed to 0600. SQLite gives the -wal and -shm it creates the
// main file's mode, whatever the umask, so they follow.
func privateDBFile(path string) error {
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.Contains(path, "mode=memory") {
		return nil
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := narrow(p, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// narrow removes permission bits beyond mode from an existing file.
func narrow(path string, mode fs.FileMode) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&^mode != 0 {
		if err := os.Chmod(path, fi.Mode().Perm()&mode); err != nil {
			return fmt.Errorf("restrict %s to its owner: %w", path, err)
		}
	}
	return nil
}

// PrivateDir creates dir (and missing parents) readable by its owner only,
// and narrows an existing dir to 0700: the evidence directory holds
// officials' photos and documents (SPEC §12).
func PrivateDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	return narrow(dir, 0o700)
}

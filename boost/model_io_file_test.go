package boost

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaveModeAndErrors requires a saved model to be readable by others
// (0644, as XGBoost leaves it, not the 0600 of a temporary file) and a
// failed save to name the path and keep the cause reachable.
func TestSaveModeAndErrors(t *testing.T) {
	ctx := context.Background()
	m := loadRef(t, "model.json")
	dir := t.TempDir()
	path := filepath.Join(dir, "m.ubj")
	if err := m.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o644 {
		t.Errorf("saved model mode %v, want -rw-r--r--", got)
	}
	bad := filepath.Join(dir, "missing-dir", "m.json")
	err = m.Save(ctx, bad)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), bad) {
		t.Errorf("save into a missing directory: %v, want an error naming %s and wrapping ErrNotExist", err, bad)
	}
}

// TestLoadModelErrorNamesFile requires a malformed file's error to start
// with the package prefix, name the file and wrap ErrModelFormat.
func TestLoadModelErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(path, []byte(`{"learner": `), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadModel(context.Background(), path)
	if !errors.Is(err, ErrModelFormat) || !strings.HasPrefix(err.Error(), "boost: load model "+path+": ") {
		t.Errorf("err = %v, want ErrModelFormat after %q", err, "boost: load model "+path)
	}
}

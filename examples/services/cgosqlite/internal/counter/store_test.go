package counter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestIncrementGetAndPersistence(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Get(ctx, "visits"); err != nil || v != 0 {
		t.Fatalf("Get(new) = %d, %v; want 0", v, err)
	}
	for want := int64(1); want <= 3; want++ {
		if v, err := s.Increment(ctx, "visits"); err != nil || v != want {
			t.Fatalf("Increment = %d, %v; want %d", v, err, want)
		}
	}
	if v, err := s.Increment(ctx, "other"); err != nil || v != 1 {
		t.Fatalf("Increment(other) = %d, %v; counters must be independent", v, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	if v, err := s.Get(ctx, "visits"); err != nil || v != 3 {
		t.Fatalf("Get after reopen = %d, %v; want 3", v, err)
	}
}

func TestConcurrentIncrementsAreAtomic(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "data.db"))
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for range workers {
		wg.Go(func() {
			for range each {
				if _, err := s.Increment(ctx, "hits"); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if v, err := s.Get(ctx, "hits"); err != nil || v != workers*each {
		t.Fatalf("after %d increments Get = %d, %v", workers*each, v, err)
	}
}

func TestWALFilesLiveNextToTheDatabase(t *testing.T) {
	dir := t.TempDir()
	s := open(t, filepath.Join(dir, "data.db"))
	if _, err := s.Increment(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	// This is why the deployment must make the directory writable, not just the file.
	for _, f := range []string{"data.db", "data.db-wal", "data.db-shm"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestInvalidNames(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "data.db"))
	for _, name := range []string{"", "Upper", "has space", "dot.name", strings.Repeat("a", 65)} {
		if _, err := s.Increment(context.Background(), name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Increment(%q) error = %v, want ErrInvalidName", name, err)
		}
		if _, err := s.Get(context.Background(), name); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Get(%q) error = %v, want ErrInvalidName", name, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	// SQLite treats a file shorter than its 100-byte header as empty, so write more than that.
	if err := os.WriteFile(file, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing", "data.db"), "it must exist and be writable"},
		{filepath.Join(file, "data.db"), "not a directory"},
		{filepath.Join(dir, "data.db?mode=ro"), "without '?' or '#'"},
		{"", "want a file path"},
		{file, "file is not a database"},
	} {
		_, err := Open(context.Background(), tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q) error = %v, want %q", tc.path, err, tc.want)
		}
	}
}

func TestCheck(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "data.db"))
	if err := s.Check(context.Background()); err != nil {
		t.Fatalf("Check on an empty database = %v", err)
	}
	if _, err := s.Increment(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Fatalf("Check = %v", err)
	}
	s.Close()
	if err := s.Check(context.Background()); err == nil {
		t.Fatal("Check on a closed database succeeded")
	}
}

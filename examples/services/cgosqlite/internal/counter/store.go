// Package counter keeps named counters in a SQLite database (through cgo and mattn/go-sqlite3).
package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// ErrInvalidName is returned for counter names outside validName.
var ErrInvalidName = errors.New("counter name must be 1-64 characters of a-z, 0-9, '-' or '_'")

var validName = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)

// Store is a set of named counters persisted in one SQLite file.
type Store struct {
	db *sql.DB
}

// Open opens (creating if needed) the database at path. SQLite in WAL mode also writes
// path-wal and path-shm next to it, so the directory, not only the file, must be writable.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("database path %q: want a file path without '?' or '#'", path)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("database directory %s: %w (it must exist and be writable)", dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("database directory %s: not a directory", dir)
	}
	// busy_timeout makes concurrent writers wait for the lock instead of failing with SQLITE_BUSY;
	// txlock=immediate takes the write lock when a transaction starts, which avoids deadlocks.
	db, err := sql.Open("sqlite3", path+"?_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_synchronous=NORMAL")
	if err != nil {
		return nil, err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS counters (
		name  TEXT PRIMARY KEY,
		value INTEGER NOT NULL
	) STRICT`); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database, checkpointing the WAL into the main file.
func (s *Store) Close() error { return s.db.Close() }

// Get returns the value of counter name; a counter never incremented is 0.
func (s *Store) Get(ctx context.Context, name string) (int64, error) {
	if !validName.MatchString(name) {
		return 0, ErrInvalidName
	}
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// Increment adds one to counter name atomically and returns the new value.
func (s *Store) Increment(ctx context.Context, name string) (int64, error) {
	if !validName.MatchString(name) {
		return 0, ErrInvalidName
	}
	var v int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO counters (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = value + 1
		RETURNING value`, name).Scan(&v)
	return v, err
}

// Check reads from the counters table, so it fails when the database file is unusable.
func (s *Store) Check(ctx context.Context) error {
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT name FROM counters LIMIT 1`).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

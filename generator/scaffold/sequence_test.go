package scaffold

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeTree creates files (slash paths → content) below dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNextID(t *testing.T) {
	day := time.Date(2025, 10, 8, 14, 0, 0, 0, time.UTC)
	fm := func(id string) string { return "---\nid: " + id + "\ntitle: x\n---\nbody\n" }
	tests := []struct {
		name  string
		files map[string]string // nil: the reports folder does not exist
		want  string
		mkdir bool // create the reports folder, empty
	}{
		{name: "no reports folder", want: "INC-2025-10-08-001"},
		{name: "empty reports folder", mkdir: true, want: "INC-2025-10-08-001"},
		{
			name: "year folder does not exist yet",
			files: map[string]string{
				"2024/INC-2024-10-08-004-last-year.md": fm("INC-2024-10-08-004"),
			},
			want: "INC-2025-10-08-001",
		},
		{
			name: "next after the highest",
			files: map[string]string{
				"2025/INC-2025-10-08-001-a.md": fm("INC-2025-10-08-001"),
				"2025/INC-2025-10-08-002-b.md": fm("INC-2025-10-08-002"),
			},
			want: "INC-2025-10-08-003",
		},
		{
			name: "gaps are not reused",
			files: map[string]string{
				"2025/INC-2025-10-08-001-a.md": fm("INC-2025-10-08-001"),
				"2025/INC-2025-10-08-004-d.md": fm("INC-2025-10-08-004"),
			},
			want: "INC-2025-10-08-005",
		},
		{
			name: "other days do not count",
			files: map[string]string{
				"2025/INC-2025-10-07-009-before.md": fm("INC-2025-10-07-009"),
				"2025/INC-2025-10-09-003-after.md":  fm("INC-2025-10-09-003"),
				"2025/INC-2025-11-08-002-month.md":  fm("INC-2025-11-08-002"),
			},
			want: "INC-2025-10-08-001",
		},
		{
			name: "front-matter id above the file name's",
			files: map[string]string{
				"2025/INC-2025-10-08-001-renamed.md": fm("INC-2025-10-08-006"),
			},
			want: "INC-2025-10-08-007",
		},
		{
			name: "quoted id with a comment, file named otherwise",
			files: map[string]string{
				"2025/booking-outage.md": "---\ntitle: x\nid: \"INC-2025-10-08-003\"   # assigned by hand\n---\n",
			},
			want: "INC-2025-10-08-004",
		},
		{
			name: "template metadata row",
			files: map[string]string{
				"2025/outage.md": "# Outage\n\n| **Field** | **Value** |\n|---|---|\n| **Incident ID** | `INC-2025-10-08-005` |\n",
			},
			want: "INC-2025-10-08-006",
		},
		{
			name: "misfiled in another year folder",
			files: map[string]string{
				"2024/INC-2025-10-08-002-wrong-folder.md": fm("INC-2025-10-08-002"),
				"misc/notes.md": fm("INC-2025-10-08-003"),
			},
			want: "INC-2025-10-08-004",
		},
		{
			name: "attachments carry the ID",
			files: map[string]string{
				"2025/INC-2025-10-08-001-a.md":         fm("INC-2025-10-08-001"),
				"2025/INC-2025-10-08-002-rollback.sql": "DROP TABLE x;",
			},
			want: "INC-2025-10-08-003",
		},
		{
			name: "mentions in the body or related are not declarations",
			files: map[string]string{
				"2025/INC-2025-10-08-001-a.md": "---\nid: INC-2025-10-08-001\nrelated: [INC-2025-10-08-009]\n---\nSee INC-2025-10-08-008.\n",
			},
			want: "INC-2025-10-08-002",
		},
		{
			name: "id nested under another key is not the report's",
			files: map[string]string{
				"2025/INC-2025-10-08-001-a.md": "---\nmeeting:\n  id: INC-2025-10-08-007\n---\n",
			},
			want: "INC-2025-10-08-002",
		},
		{
			name: "hidden folders are skipped",
			files: map[string]string{
				".trash/INC-2025-10-08-005-old.md": fm("INC-2025-10-08-005"),
			},
			want: "INC-2025-10-08-001",
		},
		{
			name: "CRLF front matter",
			files: map[string]string{
				"2025/x.md": "---\r\nid: INC-2025-10-08-002\r\n---\r\n",
			},
			want: "INC-2025-10-08-003",
		},
		{
			name: "four-digit sequence",
			files: map[string]string{
				"2025/INC-2025-10-08-999-a.md": fm("INC-2025-10-08-999"),
			},
			want: "INC-2025-10-08-1000",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "docs", "incident-reports")
			if tt.mkdir {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			writeTree(t, dir, tt.files)
			got, err := NextID(dir, day)
			if err != nil {
				t.Fatalf("NextID: %v", err)
			}
			if got != tt.want {
				t.Errorf("NextID = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestNextIDUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "2025", "x.md")
	writeTree(t, dir, map[string]string{"2025/x.md": "---\nid: INC-2025-10-08-001\n---\n"})
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	_, err := NextID(dir, time.Date(2025, 10, 8, 0, 0, 0, 0, time.UTC))
	if err == nil {
		t.Fatal("NextID succeeded on an unreadable report; a guess could reuse its ID")
	}
}

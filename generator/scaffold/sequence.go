package scaffold

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hindsight-docs/hindsight/generator/report"
)

// maxScan bounds how much of one file is read when looking for its ID,
// like report.MaxSize bounds parsing, so one stray file cannot exhaust
// memory.
const maxScan = report.MaxSize

// NextID returns the first ID of day (a date; only its calendar day
// counts) above every ID of that day already used below reportsDir:
// INC-YYYY-MM-DD-NNN. Used means named by a file (reports, but also
// their attachments, which carry the ID by convention) or declared
// inside a Markdown file, in its front-matter id or the seed template's
// "Incident ID" row, since either may differ from the file name. The
// whole folder is scanned, not only the year's, because reports are
// moved and year folders are a convention. Gaps are not reused: an ID
// that was ever published is a URL (incidents/<ID>/) that must not come
// to mean another incident. A missing folder means no IDs yet.
func NextID(reportsDir string, day time.Time) (string, error) {
	prefix := "INC-" + day.Format("2006-01-02") + "-"
	highest := 0
	note := func(id string) {
		if n, ok := sequence(id, prefix); ok && n > highest {
			highest = n
		}
	}
	err := filepath.WalkDir(reportsDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == reportsDir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return fmt.Errorf("scan reports folder: %w", err)
		}
		name := d.Name()
		if d.IsDir() {
			// Hidden folders (.git, editor state) hold no reports; the
			// build skips them too.
			if p != reportsDir && strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			return nil
		}
		note(report.IDFromName(name))
		if !d.Type().IsRegular() || !strings.EqualFold(filepath.Ext(name), ".md") {
			return nil
		}
		ids, err := declaredIDs(p, prefix)
		if err != nil {
			return err
		}
		for _, id := range ids {
			note(id)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%03d", prefix, highest+1), nil
}

// sequence is the NNN of id when id is of the day prefix names.
func sequence(id, prefix string) (int, bool) {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || len(rest) < 3 {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

var (
	// fmIDRE is a top-level id key in front matter, quoted or not,
	// with or without a trailing comment.
	fmIDRE  = regexp.MustCompile(`^id:\s*["']?(INC-\d{4}-\d{2}-\d{2}-\d{3,})["']?\s*(?:#.*)?$`)
	anyIDRE = regexp.MustCompile(`INC-\d{4}-\d{2}-\d{2}-\d{3,}`)
)

// declaredIDs reads the IDs of the day that the Markdown file at path
// declares. It is a line scan, not report.Parse: new must stay fast on
// repositories with thousands of reports, and only two places matter,
// the front-matter id and the template's metadata row. Files that do
// not mention the day at all are not looked at line by line.
func declaredIDs(path, prefix string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxScan))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !bytes.Contains(data, []byte(prefix)) {
		return nil, nil
	}
	data = report.Normalize(data)
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	first, inFM := true, false
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if first && trimmed != "" {
			first = false
			if trimmed == "---" {
				inFM = true
				continue
			}
		}
		if inFM {
			if trimmed == "---" {
				inFM = false
				continue
			}
			if m := fmIDRE.FindStringSubmatch(strings.TrimRight(line, " \t")); m != nil {
				ids = append(ids, m[1])
			}
			continue
		}
		if id, ok := metadataID(trimmed); ok {
			ids = append(ids, id)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return ids, nil
}

// metadataID reads "| Incident ID | INC-... |", the seed template's
// metadata row, whatever bold markers or spacing surround its cells.
func metadataID(line string) (string, bool) {
	if !strings.HasPrefix(line, "|") {
		return "", false
	}
	cells := strings.Split(strings.Trim(line, "|"), "|")
	if len(cells) < 2 {
		return "", false
	}
	label := strings.ToLower(strings.Join(strings.Fields(strings.Trim(cells[0], " *_`")), " "))
	switch label {
	case "incident id", "id", "incident number":
	default:
		return "", false
	}
	id := anyIDRE.FindString(cells[1])
	return id, id != ""
}

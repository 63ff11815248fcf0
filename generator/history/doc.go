// Package history reads the git history of report files in one pass over
// the commits.
//
// Its one job: for every *.md file below the reports directory, say when it
// was created and last changed, how many commits changed it, who wrote
// them, and which commits they were, with the answers `git log --follow`
// gives. It is the only package of hindsight that imports go-git.
//
// # How
//
// Scan walks every commit reachable from HEAD once, in git log's order,
// and follows all reports at the same time. For each commit that is not a
// merge it compares the tree of the reports directory with the parent's,
// descending only into subtrees whose ids differ, and matches the changed
// paths against the path each report had at that point of the walk. It
// never asks go-git for a path-filtered log, which would diff whole trees
// once per file. Objects come straight from the pack files where it can
// read them, and from go-git otherwise (objects.go says why). The work
// tree is listed and compared with HEAD while the walk runs.
//
// The comparing is most of the work, and each commit's comparison depends
// only on the commit and its parent, so one goroutine walks the commits
// and hands them on in batches, a few goroutines compare the trees of a
// batch's commits, and the calling goroutine applies the batches to the
// reports in walk order. A year's folder holds hundreds or thousands of
// reports and changes in nearly every commit, so the two versions are
// compared as bytes and only the entries between their shared start and
// shared end are read; an index of entry offsets, carried from each
// version to the next (tree.go), finds where the shared start ends. Each
// version is kept as the runs of the version and the delta it was rebuilt
// from (rope.go) rather than copied, so a commit costs what it changed,
// not the size of its folder.
//
// # Rules (what "like git log --follow" means here)
//
// Commits counted. A report's history is the list of commits
// `git log --follow -- <path>` prints: every non-merge commit reachable
// from HEAD whose diff against its parent adds, modifies or deletes the
// path the report had at that point (following renames, below). Dates are
// committer dates, as git log orders and as the benchmark corpus records;
// Created is the date of the last commit listed (the oldest), Updated the
// date of the first.
//
// Merges. A merge commit is never counted, even one that resolved a
// conflict in the report: with --follow, git log diffs a merge against none
// of its parents and so never shows one. The changes of both branches are
// counted through the branches' own commits, including changes a merge
// then discarded (for example with -s ours). Plain `git log -- <path>`
// differs: its history simplification shows merges that differ from every
// parent and hides side branches a merge did not take. For two branches
// that both edited a report and were merged, the report has the commit of
// each branch and not the merge.
//
// Walk order. Commits are visited the way git log visits them by default:
// taken from a queue ordered by committer date (newest first, ties in
// arrival order), into which a commit's parents are put when it is taken.
// History is in that order. As in git, a rename changes the followed path
// from that commit on in this order, even for commits on other branches.
//
// Renames. When a commit adds the followed path, the report continues as
// the file that commit deleted (anywhere in the repository) with the same
// content, preferring one with the same base name; failing that, as the
// deleted regular file most similar to it, if the similarity is at least
// 50% (git's default -M50%). Ties, which git breaks by its internal
// order, go to the same base name, then to the smaller path. Similarity is git's own measure (see similarity.go). A
// folder move is a rename of every file in it and does not reset any age.
//
// Deleted and re-added. When the added path has no rename source, the
// report keeps following the same path, exactly as git does: commits that
// deleted and, before that, edited an older file at the same path belong to
// its history, and Created is that older file's first commit.
//
// Copies are not followed. git log --follow also treats any unchanged
// file of the parent commit as a possible source (it runs with
// --find-copies-harder), so a report started as a copy of another one, or of
// a template kept in the repository, inherits that file's history and age.
// That would make a new report look as old as its template and break the
// report-delay metric, and finding copies would mean comparing every new
// report with every file in the repository, so this package follows renames
// only. This is the one deliberate difference from git.
//
// Work tree. A report that is in the work tree but not in HEAD is
// Uncommitted (no history); one whose work tree content differs from HEAD
// (ignoring CRLF line ends) is Modified. As in git status, the index's
// recorded size and modification time spare hashing unchanged files.
//
// Shallow clones. The commits in the shallow list are treated as roots, as
// git does, and Result.Shallow is set with a warning naming actions/checkout's
// `fetch-depth: 0`. A folder outside any repository gives NotRepo, a warning
// and every report Uncommitted.
//
// # Cache
//
// With Options.CacheDir set, Scan keeps what it learnt per commit id (see
// cache.go). A later scan reads from the repository only the commits the
// cache does not know, so after one new commit it reads that commit alone.
// Because a commit id fixes everything cached about it, a rewritten history
// needs no special handling: its new commits are simply read, and deleting
// the cache only costs time.
package history

package generator

import (
	"os"
	"syscall"
)

// statOf is what tells a file unchanged without reading it: as git does,
// its inode and change time as well as its size and modification time,
// so that an edit whose modification time was put back (cp -p, rsync -a,
// touch -r) is still seen.
func statOf(fi os.FileInfo) fileStat {
	s := fileStat{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.CTime = st.Ctim.Nano()
		s.Ino = st.Ino
	}
	return s
}

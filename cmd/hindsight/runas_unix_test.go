//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// runAs makes cmd run as the user and group id.
func runAs(cmd *exec.Cmd, id uint32) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: id, Gid: id}}
}

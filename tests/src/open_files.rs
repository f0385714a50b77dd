//! The open-files limit the edge starts with. workerd keeps about three files open per
//! conversation object (its SQLite database, WAL and shared memory), so the limit, not memory,
//! is what first stops a local edge from holding many conversations (issue 12).

use std::io;

use rlimit::Resource;

/// Raises this process's open-files limit as far as it may go, so that the edge started after
/// it (which inherits it) gets the same, and answers the soft limit now in force. The hard
/// limit too, up to the kernel's per-process ceiling, where the process may (root with
/// `CAP_SYS_RESOURCE`); otherwise the soft limit up to the hard one.
pub fn raise_open_files_limit() -> io::Result<u64> {
    let ceiling = std::fs::read_to_string("/proc/sys/fs/nr_open").ok().and_then(|text| text.trim().parse().ok());
    if let Some(ceiling) = ceiling {
        let (_, hard) = Resource::NOFILE.get()?;
        if ceiling > hard && Resource::NOFILE.set(ceiling, ceiling).is_ok() {
            return Ok(ceiling);
        }
    }
    rlimit::increase_nofile_limit(u64::MAX)
}

//! The Windows security API, called directly: a protected DACL granting the current
//! user full control, inherited by the folder's files and subfolders.
#![allow(unsafe_code)]

use std::ffi::OsStr;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{null, null_mut};

use windows_sys::Win32::Foundation::{CloseHandle, LocalFree, HANDLE};
use windows_sys::Win32::Security::Authorization::{
    ConvertSecurityDescriptorToStringSecurityDescriptorW, ConvertSidToStringSidW,
    ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW,
    SetNamedSecurityInfoW, SDDL_REVISION_1, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    GetSecurityDescriptorDacl, GetTokenInformation, TokenUser, ACL, DACL_SECURITY_INFORMATION,
    PROTECTED_DACL_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR, TOKEN_QUERY, TOKEN_USER,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

/// Gives `path` the private descriptor. SetNamedSecurityInfoW (not SetFileSecurityW)
/// because it also passes the new inheritable entry down to what the folder already
/// holds, as Explorer's "apply to all" would.
pub fn make_private(path: &Path) -> io::Result<()> {
    let sd = private_descriptor()?;
    let (mut present, mut defaulted) = (0, 0);
    let mut dacl: *mut ACL = null_mut();
    // SAFETY: `sd.0` is a valid descriptor (see `private_descriptor`); `dacl` points
    // into it and is used only while `sd` lives.
    if unsafe { GetSecurityDescriptorDacl(sd.0, &mut present, &mut dacl, &mut defaulted) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let name = wide(verbatim(path)?.as_os_str());
    // SAFETY: `name` is NUL-terminated and `dacl` valid (above); owner, group and SACL
    // are not being set, so their pointers are null.
    let status = unsafe {
        SetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            null_mut(),
            null_mut(),
            dacl,
            null(),
        )
    };
    if status != 0 {
        return Err(io::Error::from_raw_os_error(status as i32));
    }
    Ok(())
}

/// Whether every entry of the DACL of `path` allows the current user only, and (for a
/// folder) the DACL is protected from what its parent would pass down. A folder reads
/// back as `D:PAI(A;OICI;FA;;;<sid>)`, a file inside it as `D:AI(A;ID;FA;;;<sid>)`.
pub fn is_private(path: &Path) -> io::Result<bool> {
    let sddl = dacl_sddl(path)?;
    let sid = current_user_sid()?;
    let Some(rest) = sddl.strip_prefix("D:") else {
        return Ok(false);
    };
    let (flags, aces) = rest.split_at(rest.find('(').unwrap_or(rest.len()));
    if path.is_dir() && !flags.contains('P') {
        return Ok(false);
    }
    let entries: Vec<&str> = aces.split(['(', ')']).filter(|s| !s.is_empty()).collect();
    Ok(!entries.is_empty()
        && entries
            .iter()
            .all(|e| e.starts_with("A;") && e.rsplit(';').next() == Some(sid.as_str())))
}

/// The descriptor applied to a private folder. P: protected (nothing inherited from
/// the profile); OICI: files and subfolders inherit the entry; FA: full access; the
/// current user's SID, so an administrator's elevated run gets the same as a normal one.
fn private_descriptor() -> io::Result<Local> {
    let sid = current_user_sid()?;
    let sddl = wide(OsStr::new(&format!("D:P(A;OICI;FA;;;{sid})")));
    let mut sd: PSECURITY_DESCRIPTOR = null_mut();
    // SAFETY: `sddl` is NUL-terminated; on success `sd` points to a descriptor the call
    // allocated with LocalAlloc, freed by the returned guard.
    let ok = unsafe {
        ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut sd,
            null_mut(),
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Local(sd))
}

/// The DACL of `path` in SDDL, e.g. `D:P(A;OICI;FA;;;S-1-5-21-…)`.
fn dacl_sddl(path: &Path) -> io::Result<String> {
    let name = wide(verbatim(path)?.as_os_str());
    let mut sd: PSECURITY_DESCRIPTOR = null_mut();
    // SAFETY: `name` is NUL-terminated; only the descriptor is asked for, which the
    // call allocates with LocalAlloc and the guard frees.
    let status = unsafe {
        GetNamedSecurityInfoW(
            name.as_ptr(),
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION,
            null_mut(),
            null_mut(),
            null_mut(),
            null_mut(),
            &mut sd,
        )
    };
    if status != 0 {
        return Err(io::Error::from_raw_os_error(status as i32));
    }
    let sd = Local(sd);
    descriptor_sddl(&sd)
}

/// A descriptor's DACL in SDDL.
fn descriptor_sddl(sd: &Local) -> io::Result<String> {
    let mut text: *mut u16 = null_mut();
    // SAFETY: `sd.0` is a valid descriptor; `text` is allocated by the call and freed
    // by the guard.
    let ok = unsafe {
        ConvertSecurityDescriptorToStringSecurityDescriptorW(
            sd.0,
            SDDL_REVISION_1,
            DACL_SECURITY_INFORMATION,
            &mut text,
            null_mut(),
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    let _text = Local(text.cast());
    // SAFETY: on success `text` is a NUL-terminated wide string.
    Ok(unsafe { from_wide(text) })
}

/// The signed-in user's SID as text (`S-1-5-21-…`), from the process token.
fn current_user_sid() -> io::Result<String> {
    let mut token: HANDLE = null_mut();
    // SAFETY: GetCurrentProcess returns a pseudo-handle that needs no closing; `token`
    // receives a real handle, closed by the guard.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let _token = Handle(token);
    let mut len = 0_u32;
    // SAFETY: asking for the size only (null buffer, length 0): the call fails with
    // ERROR_INSUFFICIENT_BUFFER and sets `len`.
    unsafe { GetTokenInformation(token, TokenUser, null_mut(), 0, &mut len) };
    if len == 0 {
        return Err(io::Error::last_os_error());
    }
    // u64s, so the buffer is aligned for TOKEN_USER's pointer.
    let mut buf = vec![0_u64; (len as usize).div_ceil(8)];
    // SAFETY: `buf` holds at least `len` bytes.
    if unsafe { GetTokenInformation(token, TokenUser, buf.as_mut_ptr().cast(), len, &mut len) } == 0
    {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the call filled `buf` with a TOKEN_USER (aligned, see above), whose SID
    // points inside `buf`, which outlives its use here.
    let sid = unsafe { (*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid };
    let mut text: *mut u16 = null_mut();
    // SAFETY: `sid` is valid (above); `text` is allocated by the call, freed below.
    if unsafe { ConvertSidToStringSidW(sid, &mut text) } == 0 {
        return Err(io::Error::last_os_error());
    }
    let _text = Local(text.cast());
    // SAFETY: on success `text` is a NUL-terminated wide string.
    Ok(unsafe { from_wide(text) })
}

/// Moves `from` to `to` unless something is at `to` (then `AlreadyExists`), flushed to
/// disk before returning (`MOVEFILE_WRITE_THROUGH`); works for folders on one volume.
pub fn move_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    use windows_sys::Win32::Storage::FileSystem::{MoveFileExW, MOVEFILE_WRITE_THROUGH};
    let (from, to) = (
        wide(verbatim(from)?.as_os_str()),
        wide(verbatim(to)?.as_os_str()),
    );
    // SAFETY: both are NUL-terminated UTF-16 strings that outlive the call. Without
    // MOVEFILE_REPLACE_EXISTING the call fails with ERROR_ALREADY_EXISTS rather than
    // replace anything.
    if unsafe { MoveFileExW(from.as_ptr(), to.as_ptr(), MOVEFILE_WRITE_THROUGH) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `path` in the `\\?\` form, which the security API needs for paths over 260
/// characters (the standard library adds it for its own calls; these are ours).
fn verbatim(path: &Path) -> io::Result<std::path::PathBuf> {
    let absolute = std::path::absolute(path)?;
    let text = absolute.as_os_str().to_string_lossy();
    Ok(if text.starts_with(r"\\?\") {
        absolute
    } else if let Some(share) = text.strip_prefix(r"\\") {
        format!(r"\\?\UNC\{share}").into()
    } else {
        let mut out = std::ffi::OsString::from(r"\\?\");
        out.push(absolute.as_os_str());
        out.into()
    })
}

fn wide(s: &OsStr) -> Vec<u16> {
    s.encode_wide().chain(std::iter::once(0)).collect()
}

/// # Safety
/// `p` must point to a NUL-terminated UTF-16 string.
unsafe fn from_wide(p: *const u16) -> String {
    let mut len = 0;
    // SAFETY: the caller promises a terminating NUL within the allocation.
    while unsafe { *p.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: `len` elements were just read.
    String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Memory the API allocated with LocalAlloc, freed on drop.
struct Local(*mut core::ffi::c_void);

impl Drop for Local {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: the pointer came from an API that documents LocalFree.
            unsafe { LocalFree(self.0) };
        }
    }
}

struct Handle(HANDLE);

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: a real handle from OpenProcessToken, closed once.
        unsafe { CloseHandle(self.0) };
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The exact descriptor handed to SetNamedSecurityInfoW. This one runs under Wine
    /// too; whether a folder then reads back private is checked on real Windows only
    /// (see `crate::tests::under_wine`).
    #[test]
    fn the_descriptor_is_protected_and_names_only_this_user() {
        let sid = current_user_sid().unwrap();
        assert!(sid.starts_with("S-1-5-"), "{sid}");
        let sd = private_descriptor().unwrap();
        assert_eq!(
            descriptor_sddl(&sd).unwrap(),
            format!("D:P(A;OICI;FA;;;{sid})")
        );
    }
}

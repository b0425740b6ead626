//! How the executable is built, where that shows in every command's time.

/// On Linux with glibc the executable is linked at a fixed address (`build.rs`), so that the
/// loader does not rewrite its static pointers at every start: an ELF `EXEC` file, not `DYN`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_executable_is_not_position_independent() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_verbatim")).unwrap();
    assert_eq!(&binary[..4], b"\x7fELF");
    let elf_type = u16::from_le_bytes([binary[16], binary[17]]);
    const ET_EXEC: u16 = 2;
    assert_eq!(elf_type, ET_EXEC);
}

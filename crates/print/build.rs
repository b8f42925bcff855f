//! Compresses the embedded fonts with Brotli into `OUT_DIR`. The three DejaVu faces
//! are 0.28 MB as TrueType and 0.16 MB compressed (each cut down: see `src/text.rs`);
//! the app binary
//! carries them compressed and `Fonts::load` expands them. The TrueType files stay
//! the source of truth in `fonts/`.

use std::{env, fs::File, io::BufWriter, path::PathBuf};

const FONTS: [&str; 3] = ["DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono-Bold"];

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(env::var_os("OUT_DIR").ok_or_else(|| {
        std::io::Error::other("cargo sets OUT_DIR for build scripts; it is missing")
    })?);
    // The best Brotli offers: the faces are small enough now (about 0.1 MB each) to
    // compress at quality 11 in a second or two, and every kilobyte of the app counts.
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    for name in FONTS {
        let source = format!("fonts/{name}.ttf");
        println!("cargo::rerun-if-changed={source}");
        let mut input = File::open(&source)?;
        let mut output = BufWriter::new(File::create(out.join(format!("{name}.ttf.br")))?);
        brotli::BrotliCompress(&mut input, &mut output, &params)?;
    }
    Ok(())
}

//! CoValue header parsing (`new SessionMap(coId, headerJson)`).
//!
//! Properties: no panic or stack overflow on any text; the canonical form is a
//! fixed point (parsing it again gives the same text and id); a header that
//! parses strictly is accepted by `SessionMap::new` under its own id, and a
//! different id is refused.
#![no_main]

use cojson_native::core::header::Header;
use cojson_native::core::session_map::SessionMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    for strict in [true, false] {
        let Ok(header) = Header::parse(json, strict) else {
            continue;
        };
        let again = Header::parse(header.json(), strict).expect("canonical form parses");
        assert_eq!(again.json(), header.json());
        assert_eq!(again.co_id(), header.co_id());
        let id = header.co_id();
        let skip_verify = !strict;
        let map = SessionMap::new(&id, json, None, skip_verify).expect("own id accepted");
        assert_eq!(map.header_json(), header.json());
        if strict {
            let other = format!("{id}1");
            assert!(SessionMap::new(&other, json, None, false).is_err());
        }
    }
});

//! The built-in word list the peer feeds its own miner every word interval, as the
//! program we descend from did with its hourly `sendWords`.

/// Plain ASCII words of at most 20 characters.
pub const WORDS: &[&str] = &[
    "apple", "anchor", "arrow", "autumn", "badger", "bamboo", "banner", "beacon", "bicycle", "blossom", "bramble",
    "breeze", "bridge", "buffalo", "cactus", "canyon", "caramel", "carpet", "castle", "cedar", "cherry", "chimney",
    "cinder", "citadel", "clover", "cobalt", "comet", "copper", "coral", "cosmos", "cottage", "cricket", "crystal",
    "dagger", "dawn", "delta", "desert", "diamond", "dolphin", "dragon", "drizzle", "dune", "eagle", "echo", "ember",
    "emerald", "engine", "falcon", "feather", "fern", "fiddle", "firefly", "fjord", "flame", "flint", "forest",
    "fossil", "fountain", "galaxy", "garnet", "geyser", "ginger", "glacier", "goblet", "granite", "gravel", "harbor",
    "harvest", "hazel", "heron", "hollow", "honey", "horizon", "iceberg", "indigo", "island", "ivory", "jackal",
    "jasmine", "jigsaw", "jungle", "juniper", "kayak", "kernel", "kestrel", "kettle", "kiwi", "lagoon", "lantern",
    "lattice", "lava", "legend", "lemon", "lily", "lizard", "lotus", "lumber", "lunar", "magnet", "mango", "maple",
    "marble", "meadow", "meteor", "mirror", "mosaic", "moss", "nebula", "needle", "nectar", "nickel", "noodle",
    "nutmeg", "oasis", "ocean", "olive", "onyx", "orbit", "orchid", "otter", "oyster", "paddle", "panther", "parrot",
    "pebble", "pepper", "pine", "planet", "plum", "prairie", "prism", "pumpkin", "quartz", "quill", "quiver", "rabbit",
    "raven", "reef", "ribbon", "river", "rocket", "ruby", "saddle", "saffron", "salmon", "sapphire", "satchel",
    "season", "shadow", "sierra", "silver", "sparrow", "spiral", "spruce", "summit", "sunset", "thistle", "thunder",
    "tiger", "timber", "topaz", "torch", "tulip", "tundra", "turtle", "umbrella", "valley", "velvet", "violet",
    "volcano", "walnut", "walrus", "willow", "window", "winter", "wizard", "yarrow", "zenith", "zephyr",
];

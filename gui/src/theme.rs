//! Blockpeer's look: the light and dark visuals, text styles, and every colour the
//! window uses (no other module names a colour).

use eframe::egui::{self, Color32, CornerRadius, FontId, Stroke, TextStyle, Theme, Visuals};

/// The colours of one theme, by meaning.
#[derive(Clone, Copy, Debug)]
pub struct Palette {
    /// Links, selection, our own node.
    pub accent: Color32,
    /// Agreeing peers, valid blocks, "in sync".
    pub ok: Color32,
    /// Peers behind us, syncing, warnings.
    pub warn: Color32,
    /// Errors, invalid blocks, peers ahead of us on another chain.
    pub bad: Color32,
    /// Secondary text, stale peers.
    pub muted: Color32,
    /// Peer-graph edges from us to the peers we know.
    pub edge: Color32,
    /// Peer-graph edges we learned from forwarded FLOODs.
    pub link: Color32,
    /// The CPU hashrate line.
    pub cpu: Color32,
    /// The CUDA hashrate line.
    pub cuda: Color32,
    /// Every other row of long lists.
    pub stripe: Color32,
    /// Text on our node of the peer graph.
    pub node_text: Color32,
}

const DARK: Palette = Palette {
    accent: Color32::from_rgb(88, 166, 255),
    ok: Color32::from_rgb(63, 185, 80),
    warn: Color32::from_rgb(219, 163, 40),
    bad: Color32::from_rgb(248, 81, 73),
    muted: Color32::from_rgb(139, 148, 158),
    edge: Color32::from_rgb(60, 68, 80),
    link: Color32::from_rgb(110, 118, 160),
    cpu: Color32::from_rgb(88, 166, 255),
    cuda: Color32::from_rgb(118, 185, 0),
    stripe: Color32::from_rgb(30, 34, 41),
    node_text: Color32::from_rgb(13, 17, 23),
};

const LIGHT: Palette = Palette {
    accent: Color32::from_rgb(9, 105, 218),
    ok: Color32::from_rgb(26, 127, 55),
    warn: Color32::from_rgb(154, 103, 0),
    bad: Color32::from_rgb(207, 34, 46),
    muted: Color32::from_rgb(87, 96, 106),
    edge: Color32::from_rgb(208, 215, 222),
    link: Color32::from_rgb(140, 149, 200),
    cpu: Color32::from_rgb(9, 105, 218),
    cuda: Color32::from_rgb(76, 140, 0),
    stripe: Color32::from_rgb(240, 243, 246),
    node_text: Color32::from_rgb(255, 255, 255),
};

/// The palette of the theme `ui` is drawn in.
pub fn palette(ui: &egui::Ui) -> Palette {
    if ui.visuals().dark_mode { DARK } else { LIGHT }
}

/// Installs both themes' visuals and text styles, and shows the dark one if `dark`.
pub fn install(ctx: &egui::Context, dark: bool) {
    ctx.set_visuals_of(Theme::Dark, visuals(Visuals::dark(), &DARK, Color32::from_rgb(22, 27, 34)));
    ctx.set_visuals_of(Theme::Light, visuals(Visuals::light(), &LIGHT, Color32::from_rgb(248, 249, 251)));
    ctx.all_styles_mut(|style| {
        style.text_styles.insert(TextStyle::Heading, FontId::proportional(19.0));
        style.text_styles.insert(TextStyle::Monospace, FontId::monospace(12.5));
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
    });
    set_dark(ctx, dark);
}

/// Switches between the two themes.
pub fn set_dark(ctx: &egui::Context, dark: bool) {
    ctx.set_theme(if dark { Theme::Dark } else { Theme::Light });
}

fn visuals(mut visuals: Visuals, palette: &Palette, panel: Color32) -> Visuals {
    visuals.hyperlink_color = palette.accent;
    visuals.selection.bg_fill = palette.accent.gamma_multiply(0.35);
    visuals.selection.stroke = Stroke::new(1.0, palette.accent);
    visuals.panel_fill = panel;
    visuals.faint_bg_color = palette.stripe;
    visuals.striped = true;
    visuals.window_corner_radius = CornerRadius::same(8);
    visuals.widgets.inactive.corner_radius = CornerRadius::same(4);
    visuals.widgets.hovered.corner_radius = CornerRadius::same(4);
    visuals.widgets.active.corner_radius = CornerRadius::same(4);
    visuals
}

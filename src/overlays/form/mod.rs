//! A form: text, number, choice and checkbox fields. Tab and Shift-Tab (or Down and Up)
//! move between fields; each field is checked as it is typed, with the message under it;
//! Enter submits, and is refused while any field is invalid; Esc cancels. A submitted form
//! hands its typed values to the action its opener chose. The view that opened it may draw
//! a live preview beside it (`ViewModule::draw_preview`).

pub mod draw;

use super::Step;
use crate::app::action::{Action, InputKey};
use crate::app::lineedit::{Edit, LineEdit};
use crate::sanitize;
use crate::views::View;
use ratatui::layout::Rect;

/// Checks one text field's value: `Err` is the message shown under it.
pub type Validator = fn(&str) -> Result<(), String>;
/// Checks across fields (datapoints within evaluation periods): messages by field key.
pub type CrossCheck = fn(&FormValues) -> Vec<(&'static str, String)>;

#[derive(Debug, Clone)]
pub enum FieldKind {
    Text {
        edit: LineEdit,
        validate: Option<Validator>,
    },
    Number {
        edit: LineEdit,
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
    },
    Choice {
        options: Vec<String>,
        selected: usize,
    },
    Checkbox {
        checked: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    /// What the opener reads the value by.
    pub key: &'static str,
    pub label: String,
    pub kind: FieldKind,
    /// An empty text or number is an error.
    pub required: bool,
    /// Edited since the form opened: its message shows (before that, only after a submit).
    touched: bool,
}

/// A field's value as the opener receives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Choice(String),
    Check(bool),
    /// An optional text or number left empty.
    Empty,
}

/// Every field's value, by key, in form order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormValues(pub Vec<(&'static str, Value)>);

impl FormValues {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Text(s) | Value::Choice(s) => Some(s),
            _ => None,
        }
    }

    pub fn number(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn checked(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Value::Check(b) => Some(*b),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    /// The view that opened it: it draws the preview.
    pub owner: View,
    /// Leave room beside the form for the owner's preview.
    pub preview: bool,
    pub fields: Vec<Field>,
    /// The field with the cursor.
    pub focus: usize,
    /// A submit was refused: every field's message shows, edited or not.
    pub submit_refused: bool,
    cross_check: Option<CrossCheck>,
    /// Values the opener needs back (and the checks read) that are not fields: not drawn,
    /// not editable (the region SNS topics must be in, say).
    context: Vec<(&'static str, String)>,
    on_submit: fn(FormValues) -> Action,
    /// Recomputes fields that follow others (a suggested name), after every edit.
    derive: Option<fn(&mut Form)>,
}

impl Form {
    pub fn new(title: &str, owner: View, on_submit: fn(FormValues) -> Action) -> Self {
        Self {
            title: sanitize::clean(title).into_owned(),
            owner,
            preview: false,
            fields: Vec::new(),
            focus: 0,
            submit_refused: false,
            cross_check: None,
            context: Vec::new(),
            on_submit,
            derive: None,
        }
    }

    fn push(mut self, key: &'static str, label: &str, kind: FieldKind) -> Self {
        self.fields.push(Field {
            key,
            label: sanitize::clean(label).into_owned(),
            kind,
            required: false,
            touched: false,
        });
        self
    }

    /// A text field; `initial` may come from AWS (an alarm being edited): it is cleaned.
    pub fn text(self, key: &'static str, label: &str, initial: &str) -> Self {
        let edit = LineEdit::with_text(&sanitize::clean(initial));
        self.push(
            key,
            label,
            FieldKind::Text {
                edit,
                validate: None,
            },
        )
    }

    pub fn number(self, key: &'static str, label: &str, initial: Option<f64>) -> Self {
        let text = initial.map(|n| n.to_string()).unwrap_or_default();
        let kind = FieldKind::Number {
            edit: LineEdit::with_text(&text),
            min: None,
            max: None,
            integer: false,
        };
        self.push(key, label, kind)
    }

    pub fn choice(self, key: &'static str, label: &str, options: &[&str], selected: usize) -> Self {
        let options: Vec<String> = options.iter().map(|o| o.to_string()).collect();
        let selected = selected.min(options.len().saturating_sub(1));
        self.push(key, label, FieldKind::Choice { options, selected })
    }

    pub fn checkbox(self, key: &'static str, label: &str, checked: bool) -> Self {
        self.push(key, label, FieldKind::Checkbox { checked })
    }

    fn last(&mut self) -> Option<&mut Field> {
        self.fields.last_mut()
    }

    /// The last field added must not be left empty.
    pub fn required(mut self) -> Self {
        if let Some(f) = self.last() {
            f.required = true;
        }
        self
    }

    /// The last number field must be a whole number within `min..=max`.
    pub fn bounds(mut self, min: Option<f64>, max: Option<f64>, whole: bool) -> Self {
        if let Some(Field {
            kind:
                FieldKind::Number {
                    min: lo,
                    max: hi,
                    integer,
                    ..
                },
            ..
        }) = self.last()
        {
            (*lo, *hi, *integer) = (min, max, whole);
        }
        self
    }

    /// The last text field is checked by `validate`.
    pub fn validate(mut self, validate: Validator) -> Self {
        if let Some(Field {
            kind: FieldKind::Text { validate: v, .. },
            ..
        }) = self.last()
        {
            *v = Some(validate);
        }
        self
    }

    pub fn cross_check(mut self, check: CrossCheck) -> Self {
        self.cross_check = Some(check);
        self
    }

    /// A value handed back with the fields' (as `Value::Text`), never drawn or edited.
    pub fn context(mut self, key: &'static str, value: &str) -> Self {
        self.context.push((key, value.to_owned()));
        self
    }

    /// After every edit, `derive` may update fields that follow others.
    pub fn derive(mut self, derive: fn(&mut Form)) -> Self {
        self.derive = Some(derive);
        self
    }

    /// The value of a context entry.
    pub fn context_value(&self, key: &str) -> Option<&str> {
        self.context
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Replaces a text field's value while the user has not edited it (a suggestion that
    /// follows the fields it is made from, until it is typed over).
    pub fn suggest(&mut self, key: &str, text: &str) {
        if let Some(Field {
            kind: FieldKind::Text { edit, .. },
            touched: false,
            ..
        }) = self.fields.iter_mut().find(|f| f.key == key)
        {
            *edit = LineEdit::with_text(&sanitize::clean(text));
        }
    }

    /// The current value of `key` while it is valid on its own.
    pub fn value(&self, key: &str) -> Option<Value> {
        let field = self.fields.iter().find(|f| f.key == key)?;
        field_value(field).ok()
    }

    pub fn with_preview(mut self) -> Self {
        self.preview = true;
        self
    }

    /// The current value of `key` when it is a valid number: what a preview draws.
    pub fn valid_number(&self, key: &str) -> Option<f64> {
        let field = self.fields.iter().find(|f| f.key == key)?;
        match field_value(field) {
            Ok(Value::Number(n)) => Some(n),
            _ => None,
        }
    }

    /// Every field's value, or the messages of the fields that are wrong.
    pub fn values(&self) -> Result<FormValues, Vec<(&'static str, String)>> {
        let mut values = FormValues::default();
        let mut errors = Vec::new();
        for f in &self.fields {
            match field_value(f) {
                Ok(v) => values.0.push((f.key, v)),
                Err(e) => errors.push((f.key, e)),
            }
        }
        values.0.extend(
            self.context
                .iter()
                .map(|(k, v)| (*k, Value::Text(v.clone()))),
        );
        if let (true, Some(check)) = (errors.is_empty(), self.cross_check) {
            errors = check(&values);
        }
        if errors.is_empty() {
            Ok(values)
        } else {
            Err(errors)
        }
    }

    /// The message shown under each field now: only for fields edited, or after a submit
    /// was refused (an untouched empty form is not a wall of red).
    pub fn messages(&self) -> Vec<Option<String>> {
        let errors = self.values().err().unwrap_or_default();
        self.fields
            .iter()
            .map(|f| {
                if !(f.touched || self.submit_refused) {
                    return None;
                }
                errors
                    .iter()
                    .find(|(k, _)| *k == f.key)
                    .map(|(_, m)| m.clone())
            })
            .collect()
    }

    /// Pasted text goes into the focused field, as one line (`LineEdit::paste`): it moves
    /// no focus and submits nothing. False when that field takes no text (a choice, a
    /// checkbox).
    pub fn paste(&mut self, text: &str) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return false;
        };
        let (FieldKind::Text { edit, .. } | FieldKind::Number { edit, .. }) = &mut field.kind
        else {
            return false;
        };
        if edit.paste(text) == Edit::Changed {
            field.touched = true;
            if let Some(derive) = self.derive {
                derive(self);
            }
        }
        true
    }

    pub fn update(&mut self, action: Action, _body: Rect) -> Step {
        let Action::Input(key) = action else {
            return Step::Stay;
        };
        let n = self.fields.len();
        match key {
            InputKey::Esc => return Step::Close,
            InputKey::Enter => {
                return match self.values() {
                    Ok(values) => Step::CloseWith((self.on_submit)(values)),
                    Err(_) => {
                        self.submit_refused = true;
                        Step::Stay
                    }
                };
            }
            InputKey::Tab | InputKey::Down if n > 0 => self.focus = (self.focus + 1) % n,
            InputKey::BackTab | InputKey::Up if n > 0 => self.focus = (self.focus + n - 1) % n,
            key => {
                if let Some(field) = self.fields.get_mut(self.focus)
                    && edit_field(field, key)
                {
                    field.touched = true;
                    if let Some(derive) = self.derive {
                        derive(self);
                    }
                }
            }
        }
        Step::Stay
    }
}

/// Applies a key to a field; true when its value changed.
fn edit_field(field: &mut Field, key: InputKey) -> bool {
    match &mut field.kind {
        FieldKind::Text { edit, .. } | FieldKind::Number { edit, .. } => {
            matches!(edit.apply(key, &[]), Edit::Changed)
        }
        FieldKind::Choice { options, selected } => {
            let n = options.len().max(1);
            let next = match key {
                InputKey::Right | InputKey::Char(' ') => (*selected + 1) % n,
                InputKey::Left => (*selected + n - 1) % n,
                _ => return false,
            };
            std::mem::replace(selected, next) != next
        }
        FieldKind::Checkbox { checked } => {
            if key == InputKey::Char(' ') {
                *checked = !*checked;
                true
            } else {
                false
            }
        }
    }
}

fn field_value(f: &Field) -> Result<Value, String> {
    let text = match &f.kind {
        FieldKind::Choice { options, selected } => {
            return Ok(Value::Choice(
                options.get(*selected).cloned().unwrap_or_default(),
            ));
        }
        FieldKind::Checkbox { checked } => return Ok(Value::Check(*checked)),
        FieldKind::Text { edit, .. } | FieldKind::Number { edit, .. } => edit.text().trim(),
    };
    if text.is_empty() {
        return if f.required {
            Err("required".into())
        } else {
            Ok(Value::Empty)
        };
    }
    match &f.kind {
        FieldKind::Text { validate, .. } => {
            if let Some(validate) = validate {
                validate(text)?;
            }
            Ok(Value::Text(text.to_owned()))
        }
        FieldKind::Number {
            min, max, integer, ..
        } => parse_number(text, *min, *max, *integer).map(Value::Number),
        _ => unreachable!("choices and checkboxes returned above"),
    }
}

fn parse_number(
    text: &str,
    min: Option<f64>,
    max: Option<f64>,
    whole: bool,
) -> Result<f64, String> {
    let n: f64 = match text.parse() {
        Ok(n) if f64::is_finite(n) => n,
        _ if whole => return Err(format!("expected a whole number, not {text:?}")),
        _ => return Err(format!("expected a number such as 0.85, not {text:?}")),
    };
    if whole && n.fract() != 0.0 {
        return Err(format!("expected a whole number, not {text}"));
    }
    if let Some(min) = min.filter(|m| n < *m) {
        return Err(format!("expected at least {min}"));
    }
    if let Some(max) = max.filter(|m| n > *m) {
        return Err(format!("expected at most {max}"));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submitted(values: FormValues) -> Action {
        let threshold = values.number("threshold").unwrap_or(f64::NAN);
        Action::Run(format!("submitted {threshold}"))
    }

    fn no_spaces(s: &str) -> Result<(), String> {
        if s.contains(' ') {
            Err("no spaces".into())
        } else {
            Ok(())
        }
    }

    fn datapoints_within_periods(v: &FormValues) -> Vec<(&'static str, String)> {
        match (v.number("datapoints"), v.number("periods")) {
            (Some(d), Some(p)) if d > p => {
                vec![("datapoints", format!("at most the {p} evaluation periods"))]
            }
            _ => Vec::new(),
        }
    }

    fn form() -> Form {
        Form::new("New alarm", View::Endpoint, submitted)
            .text("name", "Name", "prod-cpu")
            .required()
            .validate(no_spaces)
            .number("threshold", "Threshold", None)
            .required()
            .number("periods", "Evaluation periods", Some(3.0))
            .bounds(Some(1.0), None, true)
            .number("datapoints", "Datapoints to alarm", Some(2.0))
            .bounds(Some(1.0), None, true)
            .choice("stat", "Statistic", &["Average", "Maximum", "p99"], 0)
            .checkbox("enabled", "Actions enabled", true)
            .cross_check(datapoints_within_periods)
    }

    impl Field {
        fn kind_text(&self) -> Option<&str> {
            match &self.kind {
                FieldKind::Text { edit, .. } | FieldKind::Number { edit, .. } => Some(edit.text()),
                _ => None,
            }
        }
    }

    fn key(f: &mut Form, k: InputKey) -> Step {
        f.update(Action::Input(k), Rect::new(0, 0, 80, 22))
    }

    fn type_text(f: &mut Form, s: &str) {
        for c in s.chars() {
            key(f, InputKey::Char(c));
        }
    }

    fn focus(f: &mut Form, field: &str) {
        while f.fields[f.focus].key != field {
            key(f, InputKey::Tab);
        }
    }

    #[test]
    fn submit_is_refused_while_a_field_is_invalid_and_then_hands_back_typed_values() {
        let mut f = form();
        assert!(
            f.messages().iter().all(Option::is_none),
            "no red before any edit"
        );
        assert_eq!(key(&mut f, InputKey::Enter), Step::Stay);
        assert!(f.submit_refused);
        let messages = f.messages();
        assert_eq!(messages[1].as_deref(), Some("required"), "{messages:?}");
        focus(&mut f, "threshold");
        type_text(&mut f, "8o");
        assert!(
            f.messages()[1]
                .as_deref()
                .unwrap()
                .contains("expected a number")
        );
        assert_eq!(
            f.valid_number("threshold"),
            None,
            "the preview has nothing to draw"
        );
        assert_eq!(key(&mut f, InputKey::Enter), Step::Stay);
        key(&mut f, InputKey::Backspace);
        type_text(&mut f, "0.5");
        assert_eq!(f.valid_number("threshold"), Some(80.5));
        assert_eq!(
            key(&mut f, InputKey::Enter),
            Step::CloseWith(Action::Run("submitted 80.5".into()))
        );
    }

    #[test]
    fn the_message_sits_under_the_field_it_is_about() {
        let mut f = form();
        focus(&mut f, "name");
        type_text(&mut f, " x");
        assert_eq!(f.messages()[0].as_deref(), Some("no spaces"));
        focus(&mut f, "periods");
        key(&mut f, InputKey::ClearLine);
        type_text(&mut f, "2.5");
        assert!(f.messages()[2].as_deref().unwrap().contains("whole number"));
        key(&mut f, InputKey::ClearLine);
        type_text(&mut f, "0");
        assert_eq!(f.messages()[2].as_deref(), Some("expected at least 1"));
    }

    #[test]
    fn cross_field_checks_name_their_field() {
        let mut f = form();
        focus(&mut f, "threshold");
        type_text(&mut f, "80");
        focus(&mut f, "datapoints");
        key(&mut f, InputKey::ClearLine);
        type_text(&mut f, "5");
        let messages = f.messages();
        assert_eq!(
            messages[3].as_deref(),
            Some("at most the 3 evaluation periods")
        );
        assert_eq!(key(&mut f, InputKey::Enter), Step::Stay);
    }

    #[test]
    fn tab_and_shift_tab_wrap_choices_cycle_and_checkboxes_toggle() {
        let mut f = form();
        key(&mut f, InputKey::BackTab);
        assert_eq!(f.fields[f.focus].key, "enabled");
        key(&mut f, InputKey::Char(' '));
        key(&mut f, InputKey::Tab);
        assert_eq!(f.fields[f.focus].key, "name");
        key(&mut f, InputKey::Up);
        key(&mut f, InputKey::Up);
        assert_eq!(f.fields[f.focus].key, "stat");
        key(&mut f, InputKey::Left);
        focus(&mut f, "threshold");
        type_text(&mut f, "1");
        let Step::CloseWith(_) = key(&mut f, InputKey::Enter) else {
            panic!("valid form refused: {:?}", f.messages());
        };
        let values = f.values().unwrap();
        assert_eq!(values.text("stat"), Some("p99"));
        assert_eq!(values.checked("enabled"), Some(false));
        assert_eq!(values.number("periods"), Some(3.0));
    }

    #[test]
    fn a_paste_fills_the_focused_field_and_neither_moves_nor_submits() {
        let mut f = form();
        focus(&mut f, "threshold");
        assert!(f.paste("0.5\ny\n"));
        assert_eq!(f.focus, 1, "the line break moved no focus");
        assert_eq!(f.fields[1].kind_text(), Some("0.5 y"));
        assert!(
            f.messages()[1].is_some(),
            "checked as typed: {:?}",
            f.messages()
        );
        focus(&mut f, "stat");
        assert!(!f.paste("p99"), "a choice takes no text");
    }

    #[test]
    fn esc_cancels_and_keymap_actions_are_ignored() {
        let mut f = form();
        assert_eq!(f.update(Action::Quit, Rect::default()), Step::Stay);
        assert_eq!(key(&mut f, InputKey::Esc), Step::Close);
    }

    #[test]
    fn optional_fields_may_stay_empty_and_initial_text_is_cleaned() {
        let f = Form::new("t", View::Alarms, submitted)
            .text("desc", "Description", "evil\u{1b}[2J\u{202e}")
            .number("n", "N", None);
        let values = f.values().unwrap();
        assert_eq!(values.text("desc"), Some("evil\u{fffd}[2J\u{fffd}"));
        assert_eq!(values.get("n"), Some(&Value::Empty));
    }
}

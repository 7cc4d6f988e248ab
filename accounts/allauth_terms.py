"""django-allauth's texts on the pages and e-mails our users see, listed for our own catalogue.

django-allauth ships a Dutch catalogue of its own, but it uses other words than Werkdruk does
("Aanmelden" and "aanmeldcode" where we say "inloggen" and "inlogcode", "Twee-factor-
authenticatie" for "tweestapsverificatie", "Activeer" ...). Our catalogue (``LOCALE_PATHS``)
takes precedence over allauth's for identical msgids, so our translations of allauth's msgids
win. ``makemessages --no-obsolete`` keeps only msgids it finds in our own code, though, so this
module names them: nothing imports it, it exists to be read by ``makemessages``.

The msgids must stay exactly as allauth writes them (check after upgrading allauth). They come
from allauth's templates (``account/``, ``mfa/``, the messages in ``*/messages/*.txt`` and the
sign-in-code and password-reset e-mails), its forms and its adapters' error messages, limited
to what our users meet: sign in, sign-in code, sign out, password reset (linked from the sign-in
form), e-mail addresses (the page itself is ours, templates/account/email.html; allauth's
messages around it are not), and two-factor authentication (overview, authenticator app,
recovery codes, the check at sign-in and re-authentication).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# --- Sign in (templates/account/login.html overrides allauth's page; the form is allauth's) ---
SIGN_IN = (
    gettext_noop("Sign In"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Remember Me"),
    gettext_noop("Forgot your password?"),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("This account is currently inactive."),
    gettext_noop("Account Inactive"),
    gettext_noop("This account is inactive."),
)

# --- Sign-in code: request, confirm (account/request_login_code.html, confirm_login_code.html) ---
SIGN_IN_CODE = (
    gettext_noop("You will receive a special code for a password-free sign-in."),
    gettext_noop("Request Code"),
    gettext_noop("Other sign-in options"),
    gettext_noop("Enter Sign-In Code"),
    gettext_noop(
        "We've sent a code to %(recipient)s. The code expires shortly, so please enter it soon."
    ),
    gettext_noop("Code"),
    gettext_noop("Confirm"),
    gettext_noop("Request new code"),
    gettext_noop("Incorrect code."),
    gettext_noop("Be patient, you are sending too many requests."),
)

# --- Sign out (account/logout.html) ---
SIGN_OUT = (
    gettext_noop("Sign Out"),
    gettext_noop("Are you sure you want to sign out?"),
)

# --- Messages after signing in or out (account/messages/*.txt, mfa/messages/*.txt) ---
MESSAGES = (
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("A sign-in code has been sent to %(recipient)s."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Authenticator app activated."),
    gettext_noop("Authenticator app deactivated."),
    gettext_noop("A new set of recovery codes has been generated."),
)

# --- E-mail addresses: allauth's messages after an action on the page (account/messages/*.txt),
#     its form errors and the remove confirmation (templates/account/email.html uses it) ---
EMAIL_ADDRESSES = (
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Primary email address set."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account."
    ),
    gettext_noop("Your primary email address must be verified."),
    gettext_noop("This email address is already associated with this account."),
    # On the code page, when the address became another account's before the code was entered.
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Do you really want to remove the selected email address?"),
)

# --- Password reset (account/password_reset*.html, snippets/already_logged_in.html) ---
PASSWORD_RESET = (
    gettext_noop("Password Reset"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email "
        "allowing you to reset it."
    ),
    gettext_noop("Reset My Password"),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. "
        "Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop("Change Password"),
    gettext_noop("Bad Token"),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  "
        'Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Your password is now changed."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Note"),
    gettext_noop("You are already logged in as %(user_display)s."),
)

# --- E-mails: the sign-in code and the password reset link (account/email/*.txt) ---
EMAILS = (
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop("Sign-In Code"),
    gettext_noop("Your sign-in code is listed below. Please enter it in your open browser window."),
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
    gettext_noop("Password Reset Email"),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password "
        "reset for your user account.\nIt can be safely ignored if you did not request a "
        "password reset. Click the link below to reset your password."
    ),
)

# --- Two-factor authentication: overview (mfa/index.html) ---
MFA_INDEX = (
    gettext_noop("Two-Factor Authentication"),
    gettext_noop("Authenticator App"),
    gettext_noop("Authentication using an authenticator app is active."),
    gettext_noop("An authenticator app is not active."),
    gettext_noop("Activate"),
    gettext_noop("Deactivate"),
    gettext_noop("Recovery Codes"),
    # A plural: ngettext_lazy only marks it here (nothing evaluates it).
    ngettext_lazy(
        "There is %(unused_count)s out of %(total_count)s recovery codes available.",
        "There are %(unused_count)s out of %(total_count)s recovery codes available.",
    ),
    gettext_noop("No recovery codes set up."),
    gettext_noop("View"),
    gettext_noop("Download"),
    gettext_noop("Generate"),
)

# --- Authenticator app: set up and switch off (mfa/totp/*.html) ---
MFA_TOTP = (
    gettext_noop("Activate Authenticator App"),
    gettext_noop(
        "To protect your account with two-factor authentication, scan the QR code below with "
        "your authenticator app. Then, input the verification code generated by the app below."
    ),
    gettext_noop("Authenticator secret"),
    gettext_noop(
        "You can store this secret and use it to reinstall your authenticator app at a later time."
    ),
    gettext_noop("Authenticator code"),
    gettext_noop(
        "You cannot activate two-factor authentication until you have verified your email address."
    ),
    gettext_noop("Deactivate Authenticator App"),
    gettext_noop(
        "You are about to deactivate authenticator app based authentication. Are you sure?"
    ),
)

# --- Recovery codes (mfa/recovery_codes/*.html) ---
MFA_RECOVERY_CODES = (
    gettext_noop("Unused codes"),
    gettext_noop("Download codes"),
    gettext_noop("Generate new codes"),
    gettext_noop("You are about to generate a new set of recovery codes for your account."),
    gettext_noop("This action will invalidate your existing codes."),
    gettext_noop("Are you sure?"),
)

# --- The second step at sign-in (mfa/authenticate.html) ---
MFA_AUTHENTICATE = (
    gettext_noop(
        "Your account is protected by two-factor authentication. Please enter an "
        "authenticator code:"
    ),
)

# --- Confirming it is you again before a sensitive change (account/ and mfa/reauthenticate) ---
REAUTHENTICATE = (
    gettext_noop("Confirm Access"),
    gettext_noop("Please reauthenticate to safeguard your account."),
    gettext_noop("Enter your password:"),
    gettext_noop("Enter an authenticator code:"),
    gettext_noop("Alternative options"),
    gettext_noop("Use your password"),
    gettext_noop("Use authenticator app or code"),
)

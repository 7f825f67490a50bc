Feature: A person's details are data: shown as typed, and never holding up anyone else's email
  Whatever a person types as their name or address reaches their email exactly as typed: never read as part of the
  email's wording, never as markup, never as a header. And an email that can never be sent, because of what a person
  typed or because the mail server refuses it for good, is set aside with the reason: it holds up nobody else's.

  Scenario Outline: A person whose details look like template code is told them exactly as typed (<what>)
    Given Mal is registered
    When Mal changes both their name and their address to "<value>"
    Then Mal receives an email showing both changed to "<value>", exactly as typed
    And people registered afterwards, on every partition of the change feed, are all welcomed

    Examples:
      | what                                 | value                      |
      | a placeholder the email does not use | {{nope}}                   |
      | the placeholders of other details    | {{email}} {{address}}      |
      | a section                            | {{#changes}}x{{/changes}}  |
      | unbalanced braces                    | {{{name}} }} {{            |
      | HTML                                 | <b>Mal</b> & 'friends' <hr> |
      | replacement patterns                 | $& $1 $$ $` $'             |

  Scenario: An email the mail server refuses for good is set aside, and everyone else's emails go on
    Given Ana is registered
    And Bruno is registered, sharing a partition of the change feed with Ana
    And everyone has received their welcome
    And the mail server refuses Ana's address for good
    When Ana moves to "Rua Nova, 2"
    And Bruno moves to "Rua Velha, 3"
    Then Ana's move is set aside as a dead letter, saying the mail server refused the recipient
    And Bruno receives an email saying their details were updated
    And in the end Ana has received exactly these emails:
      | Welcome, Ana |
    And the mail server was asked to take the email about Ana's move only once

  Scenario: A dead letter replayed once its cause is fixed is emailed, and only once
    Given Ana is registered
    And everyone has received their welcome
    And the mail server refuses Ana's address for good
    And Ana's move to "Rua Nova, 2" was set aside as a dead letter
    When the mail server accepts Ana's address again
    And an operator replays Ana's dead letter, twice
    Then in the end Ana has received exactly these emails:
      | Welcome, Ana              |
      | Your details were updated |

  Scenario: An email address written by SQL that would reach a second person is set aside, and reaches no one
    Given Ana is registered
    And Eve is registered
    When a maintenance job sets Ana's email address to a list of Ana's and Eve's addresses
    Then Ana's changed email address is set aside as a dead letter, saying it is not one plain address
    And in the end Eve has received exactly these emails:
      | Welcome, Eve |

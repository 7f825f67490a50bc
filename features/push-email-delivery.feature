Feature: Every change is emailed exactly once, whatever goes wrong on the way
  push-email tells a person about each change of their data once: not at all when none of their details changed,
  never twice because it had to try again, and never not at all because the mail server, or push-email itself, was
  down for a while. Something on the change feed that is not a change is set aside, and holds up no change after it.

  Scenario: A change of the record that touches none of the person's details is captured, and emails no one
    Given Ana is registered
    When a maintenance job touches Ana's record without changing any of their details
    Then that change of Ana's record is captured
    And in the end Ana has received exactly these emails:
      | Welcome, Ana |

  Scenario: An unreadable record among the changes is set aside, and the change after it is still emailed
    Given Ana is registered
    When an unreadable record turns up among Ana's changes
    And Ana moves to "Rua Nova, 2"
    Then the unreadable record is set aside as a dead letter, saying it is not JSON
    And Ana receives an email saying their details were updated
    And in the end Ana has received exactly these emails:
      | Welcome, Ana              |
      | Your details were updated |
    And the unreadable record was set aside only once

  Scenario: Emails held up while the mail server is down are all delivered once it is back, none twice
    Given Ana is registered
    And Bruno is registered
    And Carla is registered
    And everyone has received their welcome
    And the mail server is down
    When Ana moves to "Rua Nova, 2"
    And Bruno changes their name to "Bruno Alves"
    And Carla changes their email address
    Then the emails about these changes cannot be delivered for now
    When the mail server is back
    Then in the end the mailboxes have received exactly these emails:
      | mailbox             | emails                                         |
      | Ana                 | Welcome, Ana; Your details were updated        |
      | Bruno               | Welcome, Bruno; Your details were updated      |
      | Carla's old address | Welcome, Carla; Your email address was changed |
      | Carla               | Your details were updated                      |

  Scenario: push-email killed in the middle of a burst of changes emails every change once it is started again
    Given 40 people are registered and have received their welcome
    When all of them move house at the same time
    And push-email crashes as soon as the first emails about the moves have arrived
    And push-email is started again
    Then in the end each of them has received exactly one email about their move, with a Message-ID of its own

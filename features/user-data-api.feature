Feature: Only valid changes are kept, and only kept changes are emailed
  userdata is the only way into the database. What it refuses is never written, so Debezium never captures it and
  no one is emailed about it; every refusal says, in a problem document, what is wrong.

  Scenario: A second person cannot register with an email address already in use
    Given Ana is registered
    When Bruno tries to register with Ana's email address in capitals
    Then Bruno is told the email address is already in use
    And only one welcome email is sent to Ana's address

  Scenario: Invalid details are refused field by field, and nothing is emailed
    Given Ana is registered
    When Ana tries to change their name to "" and their email address to "not-an-email"
    Then Ana is told that the name and the email address are invalid
    And Ana's details are as they were
    And no change of Ana's is captured and Ana receives no other email

  Scenario: A change based on outdated details is refused
    Given Ana is registered
    And Ana has moved to "Rua Nova, 2" since reading their details
    When Ana changes their name to "Ana Maria" based on the details read before the move
    Then Ana is told their details changed meanwhile
    And Ana's name is still "Ana"

  Scenario: A person who deletes their account is gone, without an email
    Given Ana is registered
    When Ana deletes their account
    Then Ana's details can no longer be read
    And the deletion of Ana's account is captured, and Ana receives no other email

  Scenario: No malformed request changes anything
    Given Ana is registered
    When someone sends hundreds of malformed requests about Ana
    Then each is refused with a problem document saying what is wrong
    And no change of Ana's is captured and Ana receives no other email
    And no one was registered by them

using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Tests.Sa;

namespace Concentrator.Ike.Tests.Auth.Eap;

/// <summary>EAP-MSCHAPv2 retries (RFC 2759 §6 Failure packet "E=691 R=1 C=…"), server against client, without IKE.</summary>
public class EapMsChapV2RetryTests
{
    private static readonly byte[] Right = "alice-password"u8.ToArray();
    private static readonly byte[] Wrong = "guessed"u8.ToArray();

    private static byte[]? Secrets(string identity) => identity == "alice" ? Right : null;

    private static EapPacket Parse(EapStep step)
    {
        var request = Assert.IsType<EapStep.Request>(step);
        Assert.True(EapPacket.TryParse(request.Message, out EapPacket packet, out string? problem), problem);
        return packet;
    }

    private static EapStep Run(EapMsChapV2Server server, EapMsChapV2Client client, string identity = "alice")
    {
        EapStep step = server.Start(identity, 40);
        for (int round = 0; round < 12 && step is EapStep.Request; round++)
        {
            EapPacket? answer = client.Process(Parse(step));
            if (answer is null)
            {
                break;
            }

            step = server.Process(answer.Value);
        }

        return step;
    }

    [Fact]
    public void WrongThenRightPassword_RetryOffered_SuccessWithTheSecondAttemptsMsk()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3), maxRetries: 2);
        var client = new EapMsChapV2Client("alice", [Wrong, Right], new SeededRandom(4));

        var success = Assert.IsType<EapStep.Success>(Run(server, client));

        Assert.Equal(1, server.Retries);
        Assert.Equal(client.Msk, success.Msk);
    }

    [Fact]
    public void WrongPassword_FailureRequest_CarriesE691R1AFreshChallengeAndTheFailedResponsesId()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3), maxRetries: 1);
        var client = new EapMsChapV2Client("alice", [Wrong, Right], new SeededRandom(4));
        EapPacket challenge = Parse(server.Start("alice", 40));
        EapPacket response = client.Process(challenge)!.Value;

        EapPacket failure = Parse(server.Process(response));

        byte[] data = failure.Data.ToArray();
        Assert.Equal((byte)MsChapV2OpCode.Failure, data[0]);
        Assert.Equal(response.Data.Span[1], data[1]);
        Assert.Equal(data.Length, (data[2] << 8) | data[3]);
        string text = System.Text.Encoding.ASCII.GetString(data, 4, data.Length - 4);
        Assert.Matches("^E=691 R=1 C=[0-9A-F]{32} V=3 M=", text);
        string oldChallenge = Convert.ToHexString(challenge.Data.Span.Slice(5, 16));
        Assert.DoesNotContain(oldChallenge, text, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongPasswordsPastTheLimit_FailureNamingTheRetriesUsed()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3), maxRetries: 2);
        var client = new EapMsChapV2Client("alice", [Wrong, Wrong, Wrong, Right], new SeededRandom(4));

        var failure = Assert.IsType<EapStep.Failure>(Run(server, client));

        Assert.Equal(2, server.Retries);
        Assert.Contains("2 retries used", failure.Reason, StringComparison.Ordinal);
        Assert.Null(client.Msk);
    }

    [Fact]
    public void ClientWithoutAnotherPassword_AnswersFailureResponse_ServerEnds()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3), maxRetries: 2);
        var client = new EapMsChapV2Client("alice", Wrong, new SeededRandom(4));

        var failure = Assert.IsType<EapStep.Failure>(Run(server, client));

        Assert.Contains("gave up after 1 wrong password", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownUser_OfferedARetryLikeAWrongPassword()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3), maxRetries: 1);
        var client = new EapMsChapV2Client("mallory", Right, new SeededRandom(4));
        EapPacket response = client.Process(Parse(server.Start("mallory", 40)))!.Value;

        EapPacket failure = Parse(server.Process(response));

        Assert.Equal((byte)MsChapV2OpCode.Failure, failure.Data.Span[0]);
        Assert.Equal(1, server.Retries);
    }

    [Fact]
    public void RetryAnsweringTheOldChallengeId_Refused()
    {
        var server = new EapMsChapV2Server(Secrets, new SeededRandom(3), maxRetries: 2);
        var client = new EapMsChapV2Client("alice", Wrong, new SeededRandom(4));
        EapPacket first = client.Process(Parse(server.Start("alice", 40)))!.Value;
        _ = Parse(server.Process(first));

        // The first Response again (its MS-CHAPv2-ID is the failed one): not an answer to the new challenge.
        Assert.Contains("MS-CHAPv2-ID", Assert.IsType<EapStep.Failure>(server.Process(first)).Reason, StringComparison.Ordinal);
    }
}
